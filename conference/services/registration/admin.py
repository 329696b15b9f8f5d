"""The organizers' side of registration: the registrations list and the dashboard figures.

What organizers configure (ticket types, questions, settings) is saved by
``registration_settings``; capacity decisions (who gets a seat) stay in ``registration``,
``seats`` and ``waitlist``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from conference.content import localized_sort
from conference.extensions import db
from conference.models import (
    CheckIn,
    Event,
    Registration,
    RegistrationState,
    TicketType,
)
from conference.models.registrations import SEAT_HOLDING_STATES
from conference.models.types import TranslatedText
from conference.services.registration.payment import payment_state_condition
from conference.services.registration.search import matches_search, search_words
from conference.services.registration.settings import ticket_types_of

# --- The registrations list ------------------------------------------------------------

#: Sort keys offered in the list, with the columns they order by.
SORT_COLUMNS = {
    "name": (Registration.last_name, Registration.first_name),
    "email": (Registration.email,),
    "organization": (Registration.organization,),
    "country": (Registration.country,),
    "ticket_type": (TicketType.position, TicketType.name),  # the name in the page's language
    "state": (Registration.state,),
    "payment": (Registration.payment_status,),
    "created": (Registration.created_at,),
}


#: ``RegistrationFilter.checked_in`` values besides an event day (``2026-05-12``).
CHECKED_IN_ANY_DAY = "any"
CHECKED_IN_NOT_YET = "none"


@dataclass
class RegistrationFilter:
    """What the organizer searched for and how the list is sorted."""

    search: str = ""
    ticket_type_id: int | None = None
    states: list[RegistrationState] = field(default_factory=list)
    #: A payment state (``payment.PAYMENT_STATES``): ``free`` or a recorded status.
    payment: str | None = None
    #: Who has come: ``any`` (checked in on any day), ``none`` (not yet), or an event day.
    checked_in: str | dt.date | None = None
    sort: str = "created"
    descending: bool = True

    def where(self, event: Event) -> list:
        """The SQL conditions of this filter."""
        conditions = [Registration.event_id == event.id]
        # Every word in the folded name, organisation or email, whatever the case and
        # diacritics; control characters (NUL above all: PostgreSQL refuses it) split words.
        conditions.extend(matches_search(search_words(self.search)))
        if self.ticket_type_id is not None:
            conditions.append(Registration.ticket_type_id == self.ticket_type_id)
        if self.states:
            conditions.append(Registration.state.in_(self.states))
        if self.payment is not None:
            conditions.append(payment_state_condition(self.payment))
        if self.checked_in is not None:
            conditions.append(self._checked_in_condition(event))
        return conditions

    def _checked_in_condition(self, event: Event) -> sa.ColumnElement[bool]:
        entries = sa.exists().where(CheckIn.registration_id == Registration.id)
        if self.checked_in == CHECKED_IN_NOT_YET:
            return ~entries
        if isinstance(self.checked_in, dt.date):
            start = dt.datetime.combine(self.checked_in, dt.time.min, tzinfo=event.tz)
            end = dt.datetime.combine(self.checked_in + dt.timedelta(days=1), dt.time.min,
                                      tzinfo=event.tz)
            entries = entries.where(CheckIn.checked_in_at >= start, CheckIn.checked_in_at < end)
        return entries

    def select(self, event: Event) -> sa.Select:
        """Registrations matching the filter, in the chosen order (ties broken by id)."""
        columns = [localized_sort(column) if isinstance(column.type, TranslatedText) else column
                   for column in SORT_COLUMNS.get(self.sort, SORT_COLUMNS["created"])]
        order = [c.desc() if self.descending else c.asc() for c in columns]
        order.append(Registration.id.desc() if self.descending else Registration.id.asc())
        return (db.select(Registration).join(TicketType, Registration.ticket_type_id ==
                                             TicketType.id)
                .where(*self.where(event)).order_by(*order))


@dataclass
class Page:
    """One page of a list."""

    items: list
    total: int
    page: int
    per_page: int
    #: The check-in entries of the page's registrations, by registration id, oldest first.
    check_ins: dict[int, list[CheckIn]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def list_registrations(event: Event, flt: RegistrationFilter, *, page: int = 1,
                       per_page: int = 50) -> Page:
    """One page of the filtered list: a COUNT, a LIMIT/OFFSET query and one query for the
    page's check-in entries, however long the page."""
    total = db.session.execute(
        db.select(sa.func.count(Registration.id)).where(*flt.where(event))
    ).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    items = db.session.execute(
        flt.select(event).options(joinedload(Registration.ticket_type))
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    return Page(items=list(items), total=total, page=page, per_page=per_page,
                check_ins=check_ins_of([r.id for r in items]))


def check_ins_of(registration_ids: list[int]) -> dict[int, list[CheckIn]]:
    """The check-in entries (with their checkpoints and staff) of these registrations, by
    registration id, oldest first: one query."""
    found: dict[int, list[CheckIn]] = {}
    if not registration_ids:
        return found
    entries = db.session.execute(
        db.select(CheckIn).where(CheckIn.registration_id.in_(registration_ids))
        .options(joinedload(CheckIn.checkpoint), joinedload(CheckIn.user))
        .order_by(CheckIn.checked_in_at, CheckIn.id)
    ).scalars()
    for entry in entries:
        found.setdefault(entry.registration_id, []).append(entry)
    return found


# --- Dashboard -------------------------------------------------------------------------


@dataclass
class TicketTypeFigures:
    ticket_type: TicketType
    confirmed: int = 0
    pending: int = 0
    #: Waiting, including those offered a seat.
    waitlisted: int = 0
    #: Waiting-list offers still open: they hold a seat until taken or expired.
    offered: int = 0

    @property
    def registered(self) -> int:
        return self.confirmed + self.pending

    @property
    def seats_held(self) -> int:
        """Seats counted against the capacity (as the registration service counts them)."""
        return self.confirmed + self.pending + self.offered


@dataclass
class Dashboard:
    """The figures of an event's registration dashboard."""

    ticket_types: list[TicketTypeFigures]
    registered: int
    capacity: int | None
    waitlisted: int
    cancelled: int
    per_day: list[tuple[dt.date, int]]
    top_countries: list[tuple[str, int]]
    top_organizations: list[tuple[str, int]]


def dashboard_figures(event: Event, *, top: int = 10) -> Dashboard:
    """Registered / capacity per ticket type, waiting list, registrations per day, top lists.

    Registrations per day are counted by the day of registration in the event's timezone;
    days without registrations between the first and the last appear with zero.
    """
    figures = {t.id: TicketTypeFigures(t) for t in ticket_types_of(event)}
    counts = db.session.execute(
        db.select(Registration.ticket_type_id, Registration.state, sa.func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.ticket_type_id, Registration.state)
    ).all()
    offers = db.session.execute(
        db.select(Registration.ticket_type_id, sa.func.count())
        .where(Registration.event_id == event.id,
               Registration.state == RegistrationState.WAITLISTED,
               Registration.offer_expires_at.is_not(None))
        .group_by(Registration.ticket_type_id)
    ).all()
    for ticket_type_id, count in offers:
        if ticket_type_id in figures:
            figures[ticket_type_id].offered = count
    by_state: Counter = Counter()
    event_registered = 0
    for ticket_type_id, state, count in counts:
        by_state[state] += count
        item = figures.get(ticket_type_id)
        if item is None:
            continue
        if state is RegistrationState.CONFIRMED:
            item.confirmed += count
        elif state is RegistrationState.PENDING:
            item.pending += count
        elif state is RegistrationState.WAITLISTED:
            item.waitlisted += count
        if state in SEAT_HOLDING_STATES and item.ticket_type.counts_toward_event_capacity:
            event_registered += count

    event_registered += sum(f.offered for f in figures.values()
                            if f.ticket_type.counts_toward_event_capacity)

    days: Counter = Counter()
    # One narrow column; the day is taken in the event's timezone, which SQL cannot do
    # portably on SQLite.
    for (created_at,) in db.session.execute(
        db.select(Registration.created_at).where(Registration.event_id == event.id)
    ):
        days[created_at.astimezone(event.tz).date()] += 1
    per_day: list[tuple[dt.date, int]] = []
    if days:
        day, last = min(days), max(days)
        while day <= last:
            per_day.append((day, days.get(day, 0)))
            day += dt.timedelta(days=1)

    active = Registration.state.in_(SEAT_HOLDING_STATES)
    countries = db.session.execute(
        db.select(Registration.country, sa.func.count().label("n"))
        .where(Registration.event_id == event.id, active, Registration.country != "")
        .group_by(Registration.country).order_by(sa.text("n DESC"), Registration.country)
        .limit(top)
    ).all()
    organizations = db.session.execute(
        db.select(Registration.organization, sa.func.count().label("n"))
        .where(Registration.event_id == event.id, active, Registration.organization != "")
        .group_by(Registration.organization)
        .order_by(sa.text("n DESC"), Registration.organization).limit(top)
    ).all()
    return Dashboard(
        ticket_types=list(figures.values()),
        registered=event_registered,
        capacity=event.capacity,
        waitlisted=by_state[RegistrationState.WAITLISTED],
        cancelled=by_state[RegistrationState.CANCELLED],
        per_day=per_day,
        top_countries=[(c, n) for c, n in countries],
        top_organizations=[(o, n) for o, n in organizations],
    )


@dataclass
class Bar:
    day: dt.date
    count: int
    x: float
    y: float
    width: float
    height: float


def chart_bars(per_day: list[tuple[dt.date, int]], *, width: int = 720,
               height: int = 200) -> list[Bar]:
    """Bar geometry of a per-day chart for a server-rendered SVG (no JavaScript)."""
    if not per_day:
        return []
    peak = max(count for _, count in per_day) or 1
    slot = width / len(per_day)
    gap = min(2.0, slot * 0.2)
    bars = []
    for index, (day, count) in enumerate(per_day):
        bar_height = round(height * count / peak, 2)
        bars.append(Bar(day=day, count=count, x=round(index * slot + gap / 2, 2),
                        y=round(height - bar_height, 2), width=round(slot - gap, 2),
                        height=bar_height))
    return bars
