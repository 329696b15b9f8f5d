"""What the public event page shows, read in a fixed number of queries.

However many ticket types, speakers, sessions or partners the event has, the page costs the
same queries: seats are counted per ticket type in one grouped query, speakers and sessions
come with their links loaded (``selectinload``), partners in one query.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import selectinload

from conference.extensions import db
from conference.models import (
    Event,
    EventStatus,
    Partner,
    PartnerLevel,
    SeatsDisplay,
    Session,
    SessionType,
    Speaker,
    TicketType,
)
from conference.models.types import utcnow
from conference.services.cfp.proposals import public_speakers
from conference.services.promotion.partners import partners_by_level
from conference.services.registration.seats import seats_held_by_ticket_type

#: Highlights shown on the event page at most.
HIGHLIGHTS_LIMIT = 6
#: Featured speakers shown on the event page at most.
FEATURED_LIMIT = 12


class SalesState(enum.Enum):
    ON_SALE = "on_sale"
    NOT_YET = "not_yet"
    ENDED = "ended"
    SOLD_OUT = "sold_out"
    #: The event does not take registrations (draft, closed, archived).
    CLOSED = "closed"


#: schema.org ItemAvailability for each sales state.
AVAILABILITY = {
    SalesState.ON_SALE: "https://schema.org/InStock",
    SalesState.NOT_YET: "https://schema.org/PreOrder",
    SalesState.ENDED: "https://schema.org/SoldOut",
    SalesState.SOLD_OUT: "https://schema.org/SoldOut",
    SalesState.CLOSED: "https://schema.org/SoldOut",
}


@dataclass
class TicketOffer:
    """A public ticket type as the event page offers it."""

    ticket_type: TicketType
    #: Free seats (also limited by the event-wide capacity); None = no limit.
    seats_left: int | None
    state: SalesState
    #: What the page says about the seats: ("exact", n), ("few", n) or None.
    seats_note: tuple[str, int] | None

    @property
    def price(self) -> Decimal:
        return self.ticket_type.price

    @property
    def availability(self) -> str:
        return AVAILABILITY[self.state]


@dataclass
class Showcase:
    """Everything the public event page and its sharing data show."""

    event: Event
    offers: list[TicketOffer]
    featured_speakers: list[Speaker]
    #: Speakers named as performers in the schema.org data (featured ones, else all public).
    performers: list[Speaker]
    highlights: list[Session]
    partners: list[tuple[PartnerLevel, list[Partner]]] = field(default_factory=list)

    @property
    def registration_open(self) -> bool:
        return any(offer.state is SalesState.ON_SALE for offer in self.offers)


def sales_state(event: Event, ticket_type: TicketType, seats_left: int | None,
                now: dt.datetime) -> SalesState:
    """Where a ticket type's sale stands at ``now``."""
    if event.status is not EventStatus.PUBLISHED:
        return SalesState.CLOSED
    if ticket_type.sales_close_at and now >= ticket_type.sales_close_at:
        return SalesState.ENDED
    if ticket_type.sales_open_at and now < ticket_type.sales_open_at:
        return SalesState.NOT_YET
    if seats_left is not None and seats_left <= 0:
        return SalesState.SOLD_OUT
    return SalesState.ON_SALE


def seats_note(event: Event, seats_left: int | None) -> tuple[str, int] | None:
    """What the organizer lets the page say about the seats left (sold out is a state)."""
    if seats_left is None or seats_left <= 0 or event.seats_display is SeatsDisplay.HIDDEN:
        return None
    if event.seats_display is SeatsDisplay.EXACT:
        return ("exact", seats_left)
    if seats_left <= event.few_seats_threshold:
        return ("few", seats_left)
    return None


def ticket_offers(event: Event, now: dt.datetime | None = None) -> list[TicketOffer]:
    """The public ticket types of ``event`` with their seats and sales state (two queries)."""
    now = now or utcnow()
    ticket_types = db.session.execute(
        db.select(TicketType).where(TicketType.event_id == event.id,
                                    TicketType.is_public.is_(True))
        .order_by(TicketType.position, TicketType.id)
    ).scalars().all()
    if not ticket_types:
        return []
    held = seats_held_by_ticket_type(event)
    event_free = None
    if event.capacity is not None:
        counting = db.session.execute(
            db.select(TicketType.id).where(TicketType.event_id == event.id,
                                           TicketType.counts_toward_event_capacity.is_(True))
        ).scalars().all()
        event_free = event.capacity - sum(held.get(type_id, 0) for type_id in counting)
    offers = []
    for ticket_type in ticket_types:
        free = None
        if ticket_type.capacity is not None:
            free = ticket_type.capacity - held.get(ticket_type.id, 0)
        if event_free is not None and ticket_type.counts_toward_event_capacity:
            free = event_free if free is None else min(free, event_free)
        free = None if free is None else max(free, 0)
        offers.append(TicketOffer(ticket_type, free, sales_state(event, ticket_type, free, now),
                                  seats_note(event, free)))
    return offers


def programme_highlights(event: Event, limit: int = HIGHLIGHTS_LIMIT) -> list[Session]:
    """Sessions the organizers marked as highlights; without any, the keynotes.

    A flag rather than "the first N keynotes" alone: a cluster conference often wants to
    show a panel or a study-visit slot, and keynotes are the natural default.
    """
    base = (
        db.select(Session)
        .where(Session.event_id == event.id, Session.is_public.is_(True),
               Session.starts_at.is_not(None), Session.ends_at.is_not(None))
        .options(selectinload(Session.speakers), selectinload(Session.room))
        .order_by(Session.starts_at, Session.id)
        .limit(limit)
    )
    chosen = db.session.execute(base.where(Session.is_highlight.is_(True))).scalars().all()
    if chosen:
        return list(chosen)
    return list(db.session.execute(
        base.where(Session.session_type == SessionType.KEYNOTE)).scalars().all())


def event_showcase(event: Event, now: dt.datetime | None = None) -> Showcase:
    """Everything the public event page shows, in a fixed number of queries."""
    speakers = public_speakers(event)
    featured = [speaker for speaker in speakers if speaker.is_featured][:FEATURED_LIMIT]
    return Showcase(
        event=event,
        offers=ticket_offers(event, now),
        featured_speakers=featured,
        performers=featured or speakers[:FEATURED_LIMIT],
        highlights=programme_highlights(event),
        partners=partners_by_level(event),
    )
