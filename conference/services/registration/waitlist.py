"""The waiting list: who is next in line when a seat frees up, and how the seat reaches them.

A registration that finds no free seat waits in line, in the order it joined: the number
it took under the seat lock (``seats.take_waitlist_number``), so the order of the commits
and never the order the requests started in; ``seats.waitlist_position`` tells its place.
When a seat frees up (a cancellation, a rejection, a change of ticket type, a raised
capacity) the event's ``waitlist_mode`` decides what the next in line gets:

- AUTOMATIC: promotion at once, to CONFIRMED (PENDING when the ticket type needs approval);
- OFFER: the seat held for them for ``event.waitlist_offer_hours``; they accept it
  (``accept_offer``) or the offer expires, they leave the list and the seat passes on
  (``expire_offers``: every round of the mail worker, ``flask registrations expire-offers``,
  and the registration form and offer pages before they show seats).

Every decision is taken under the same row locks as registration (``seats.lock_seats``:
the event when an event-wide capacity applies, then the ticket type), so a freed seat goes
to exactly one person. ``registration`` calls ``fill_free_seats`` and ``expire_due_offers``
inside its own locked transactions; the public functions here take the locks and commit.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.extensions import db
from conference.models import Event, Registration, RegistrationState, TicketType, WaitlistMode
from conference.models.types import utcnow
from conference.services.registration.seats import (
    InvalidTransition,
    commit_or_rollback,
    competing_types,
    lock_seats,
    notify,
    record_change,
    refresh_state,
    remaining_seats,
    set_state,
    waitlist_order,
)

S = RegistrationState


def expire_due_offers(ticket_type_ids: list[int], now: dt.datetime) -> list[Registration]:
    """Offers past their time end: the person leaves the waiting list and is told so."""
    expired = list(db.session.execute(
        sa.select(Registration).where(
            Registration.ticket_type_id.in_(ticket_type_ids),
            Registration.state == S.WAITLISTED,
            Registration.offer_expires_at <= now,
        ).order_by(*waitlist_order())
    ).scalars())
    for registration in expired:
        set_state(registration, S.CANCELLED, now, note="offer expired")
        notify(registration, "cancelled", offer_expired=True)
    return expired


def fill_free_seats(ticket_type: TicketType, now: dt.datetime) -> list[Registration]:
    """Give free seats to the waiting list in order: promote, or offer (event's choice).

    The caller holds the lock of ``ticket_type``; with an event-wide capacity that is the
    event row, which every counting ticket type's decision takes too.
    """
    event = ticket_type.event
    waiting = db.session.execute(
        sa.select(Registration).where(
            Registration.ticket_type_id.in_(competing_types(ticket_type)),
            Registration.state == S.WAITLISTED,
            Registration.offer_expires_at.is_(None),
        ).order_by(*waitlist_order())
    ).scalars().all()
    moved = []
    for registration in waiting:
        free = remaining_seats(registration.ticket_type)
        if free is not None and free <= 0:
            continue
        if event.waitlist_mode is WaitlistMode.OFFER:
            registration.offer_expires_at = now + dt.timedelta(hours=event.waitlist_offer_hours)
            record_change(registration, "offer",
                          f"seat offered until {registration.offer_expires_at.isoformat()}",
                          now=now)
            notify(registration, "offer")
        else:
            target = S.PENDING if registration.ticket_type.requires_approval else S.CONFIRMED
            set_state(registration, target, now, note="from the waiting list")
            notify(registration, "promoted")
        moved.append(registration)
    return moved


def promote_waitlist(ticket_type: TicketType, *,
                     now: dt.datetime | None = None) -> list[Registration]:
    """Give free seats to the waiting list (call after raising a capacity). Commits.

    Promotes, or offers the seat for ``event.waitlist_offer_hours`` (event's waitlist_mode);
    returns the registrations promoted or offered a seat.
    """
    now = now or utcnow()

    def work():
        lock_seats(ticket_type)
        expire_due_offers(competing_types(ticket_type), now)
        return fill_free_seats(ticket_type, now)

    return commit_or_rollback(work)


def accept_offer(registration: Registration, *, now: dt.datetime | None = None) -> Registration:
    """The attendee takes the seat offered to them (offer mode). Commits.

    Raises InvalidTransition when there is no offer or it has expired.
    """
    now = now or utcnow()

    def work():
        lock_seats(registration.ticket_type)
        refresh_state(registration)
        expires = registration.offer_expires_at
        if registration.state is not S.WAITLISTED or expires is None or now >= expires:
            raise InvalidTransition("no open offer")
        target = S.PENDING if registration.ticket_type.requires_approval else S.CONFIRMED
        set_state(registration, target, now, note="offer accepted")
        notify(registration, "confirmed" if target is S.CONFIRMED else "pending")
        return registration

    return commit_or_rollback(work)


def expire_offers(event: Event | None = None, *,
                  now: dt.datetime | None = None) -> list[Registration]:
    """Pass expired offers on to the next in line (one event or all). Commits.

    Returns the registrations whose offers expired (they leave the waiting list).
    """
    now = now or utcnow()
    query = sa.select(TicketType).join(Registration, Registration.ticket_type_id == TicketType.id)
    query = query.where(Registration.state == S.WAITLISTED, Registration.offer_expires_at <= now)
    if event is not None:
        query = query.where(TicketType.event_id == event.id)
    ticket_types = db.session.execute(query.distinct()).scalars().all()
    db.session.commit()  # end the read transaction before taking locks
    expired = []
    for ticket_type in sorted(ticket_types, key=lambda t: t.id):
        def work(ticket_type=ticket_type):
            lock_seats(ticket_type)
            gone = expire_due_offers(competing_types(ticket_type), now)
            fill_free_seats(ticket_type, now)
            return gone

        expired.extend(commit_or_rollback(work))
    return expired
