"""The organizers' side of registration: ticket types, questions, settings, lists, figures.

Capacity decisions (who gets a seat) stay in ``conference.services.registration``; this
module saves what organizers configure and reads what they need to see.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from conference.extensions import db
from conference.models import (
    BadgeRole,
    Event,
    PaymentStatus,
    Question,
    QuestionKind,
    Registration,
    RegistrationState,
    TicketType,
    WaitlistMode,
)
from conference.models.registrations import SEAT_HOLDING_STATES
from conference.services import DomainError

#: Currencies a ticket may be priced in.
CURRENCIES = ("PLN", "EUR")
#: Question kinds that offer a list of choices.
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class RegistrationAdminError(DomainError):
    """An organizer's setting was refused; ``details["field"]`` names the form field."""

    code = "registration_admin_invalid"


class TooFewChoices(RegistrationAdminError):
    code = "too_few_choices"


class InvalidSalesWindow(RegistrationAdminError):
    code = "invalid_sales_window"


# --- Ticket types ----------------------------------------------------------------------


@dataclass
class TicketTypeFields:
    """What an organizer sets on a ticket type (instants already in UTC)."""

    name: str
    description: str = ""
    price: Decimal = Decimal("0")
    currency: str = "PLN"
    capacity: int | None = None
    sales_open_at: dt.datetime | None = None
    sales_close_at: dt.datetime | None = None
    is_public: bool = True
    access_code: str | None = None
    requires_approval: bool = False
    badge_role: BadgeRole = BadgeRole.ATTENDEE
    counts_toward_event_capacity: bool = True
    position: int = 0


def save_ticket_type(event: Event, ticket_type: TicketType | None,
                     fields: TicketTypeFields) -> tuple[TicketType, bool]:
    """Create or update a ticket type; returns it and whether its capacity grew.

    The caller commits and then, when the capacity grew, calls ``promote_waitlist`` so
    that people waiting get the new seats.
    """
    if fields.currency not in CURRENCIES:
        raise RegistrationAdminError(str(_l("Choose PLN or EUR.")), field="currency")
    if fields.price < 0:
        raise RegistrationAdminError(str(_l("The price cannot be negative.")), field="price")
    if fields.capacity is not None and fields.capacity < 0:
        raise RegistrationAdminError(str(_l("The capacity cannot be negative.")),
                                     field="capacity")
    if (fields.sales_open_at and fields.sales_close_at
            and fields.sales_close_at <= fields.sales_open_at):
        raise InvalidSalesWindow(str(_l("Sales must close after they open.")),
                                 field="sales_close_at")
    own_id = ticket_type.id if ticket_type else -1
    names = db.session.execute(
        db.select(TicketType.name).where(TicketType.event_id == event.id,
                                         TicketType.id != own_id)).scalars()
    if fields.name.strip().casefold() in {n.casefold() for n in names}:
        # Names identify ticket types in the guest import.
        raise RegistrationAdminError(str(_l("Another ticket type has this name.")),
                                     field="name")
    access_code = (fields.access_code or "").strip() or None
    if not fields.is_public and not access_code:
        raise RegistrationAdminError(
            str(_l("A ticket type that is not public needs an access code.")),
            field="access_code")
    if access_code:
        clash = db.session.execute(
            db.select(TicketType.id).where(
                TicketType.event_id == event.id, TicketType.access_code == access_code,
                TicketType.id != own_id)
        ).first()
        if clash:
            raise RegistrationAdminError(
                str(_l("Another ticket type of this event uses this access code.")),
                field="access_code")
    if ticket_type is None:
        ticket_type = TicketType(event_id=event.id)
        db.session.add(ticket_type)
        is_new = True
        old_capacity: int | None = None
    else:
        is_new = False
        old_capacity = ticket_type.capacity
    ticket_type.name = fields.name.strip()
    ticket_type.description = fields.description.strip()
    ticket_type.price = fields.price
    ticket_type.currency = fields.currency
    ticket_type.capacity = fields.capacity
    ticket_type.sales_open_at = fields.sales_open_at
    ticket_type.sales_close_at = fields.sales_close_at
    ticket_type.is_public = fields.is_public
    ticket_type.access_code = access_code if not fields.is_public else None
    ticket_type.requires_approval = fields.requires_approval
    ticket_type.badge_role = fields.badge_role
    ticket_type.counts_toward_event_capacity = fields.counts_toward_event_capacity
    ticket_type.position = fields.position
    grew = not is_new and old_capacity is not None and (
        fields.capacity is None or fields.capacity > old_capacity)
    return ticket_type, grew


def ticket_types_of(event: Event) -> list[TicketType]:
    """The event's ticket types in the organizer's order."""
    return list(db.session.execute(
        db.select(TicketType).where(TicketType.event_id == event.id)
        .order_by(TicketType.position, TicketType.name, TicketType.id)
    ).scalars())


def save_registration_settings(
    event: Event, *, capacity: int | None, waitlist_mode: WaitlistMode,
    waitlist_offer_hours: int, edit_deadline: dt.datetime | None,
    privacy_policy_version: str, privacy_policy_url: str, requires_payment: bool,
) -> bool:
    """Apply the event-wide registration settings; returns whether the capacity grew.

    The caller commits and then promotes the waiting list when the capacity grew.
    """
    if capacity is not None and capacity < 0:
        raise RegistrationAdminError(str(_l("The capacity cannot be negative.")),
                                     field="capacity")
    if waitlist_offer_hours < 1:
        raise RegistrationAdminError(str(_l("An offer must last at least one hour.")),
                                     field="waitlist_offer_hours")
    if not privacy_policy_version.strip():
        raise RegistrationAdminError(str(_l("Give the privacy policy a version.")),
                                     field="privacy_policy_version")
    old = event.capacity
    event.capacity = capacity
    event.waitlist_mode = waitlist_mode
    event.waitlist_offer_hours = waitlist_offer_hours
    event.edit_deadline = edit_deadline
    event.privacy_policy_version = privacy_policy_version.strip()
    event.privacy_policy_url = privacy_policy_url.strip()
    event.requires_payment = requires_payment
    return old is not None and (capacity is None or capacity > old)


# --- Questions -------------------------------------------------------------------------


def save_question(event: Event, question: Question | None, *, label: str, help_text: str,
                  kind: QuestionKind, options: str, required: bool, position: int,
                  active: bool) -> Question:
    """Create or update a registration question. Choice questions need two choices.

    Options are kept one per line, trimmed, without blank lines or repeats. The caller
    commits.
    """
    choices = list(dict.fromkeys(line.strip() for line in options.splitlines() if line.strip()))
    if kind in CHOICE_KINDS and len(choices) < 2:
        raise TooFewChoices(str(_l("A choice question needs at least two options, one per line.")),
                            field="options")
    if question is None:
        question = Question(event_id=event.id)
        db.session.add(question)
    question.label = label.strip()
    question.help_text = help_text.strip()
    question.kind = kind
    question.options = "\n".join(choices) if kind in CHOICE_KINDS else ""
    question.required = required
    question.position = position
    question.active = active
    return question


def questions_of(event: Event, *, active_only: bool = False) -> list[Question]:
    """The event's questions in form order."""
    query = db.select(Question).where(Question.event_id == event.id)
    if active_only:
        query = query.where(Question.active.is_(True))
    return list(db.session.execute(
        query.order_by(Question.position, Question.id)).scalars())


# --- The registrations list ------------------------------------------------------------

#: Sort keys offered in the list, with the columns they order by.
SORT_COLUMNS = {
    "name": (Registration.last_name, Registration.first_name),
    "email": (Registration.email,),
    "organization": (Registration.organization,),
    "country": (Registration.country,),
    "ticket_type": (TicketType.position, TicketType.name),
    "state": (Registration.state,),
    "payment": (Registration.payment_status,),
    "created": (Registration.created_at,),
}


@dataclass
class RegistrationFilter:
    """What the organizer searched for and how the list is sorted."""

    search: str = ""
    ticket_type_id: int | None = None
    states: list[RegistrationState] = field(default_factory=list)
    payment: PaymentStatus | None = None
    sort: str = "created"
    descending: bool = True

    def where(self, event: Event) -> list:
        """The SQL conditions of this filter."""
        conditions = [Registration.event_id == event.id]
        # Control characters (NUL above all: PostgreSQL refuses it) never match a name.
        search = "".join(ch if ch.isprintable() else " " for ch in self.search)
        for word in search.split()[:6]:
            conditions.append(sa.or_(*(
                column.icontains(word[:100], autoescape=True)
                for column in (Registration.first_name, Registration.last_name,
                               Registration.email, Registration.organization))))
        if self.ticket_type_id is not None:
            conditions.append(Registration.ticket_type_id == self.ticket_type_id)
        if self.states:
            conditions.append(Registration.state.in_(self.states))
        if self.payment is not None:
            conditions.append(Registration.payment_status == self.payment)
        return conditions

    def select(self, event: Event) -> sa.Select:
        """Registrations matching the filter, in the chosen order (ties broken by id)."""
        columns = SORT_COLUMNS.get(self.sort, SORT_COLUMNS["created"])
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

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def list_registrations(event: Event, flt: RegistrationFilter, *, page: int = 1,
                       per_page: int = 50) -> Page:
    """One page of the filtered list: a COUNT and a LIMIT/OFFSET query, nothing more."""
    total = db.session.execute(
        db.select(sa.func.count(Registration.id)).where(*flt.where(event))
    ).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    items = db.session.execute(
        flt.select(event).options(joinedload(Registration.ticket_type))
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars().all()
    return Page(items=list(items), total=total, page=page, per_page=per_page)


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
