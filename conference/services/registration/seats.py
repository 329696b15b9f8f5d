"""The shared steps of every seat decision, used by registration and the waiting list alike.

A seat decision (register, cancel, promote, accept an offer, ...) locks the rows its seats
are counted against (the Event when an event-wide capacity applies, then the TicketType;
always in the order event, then ticket types by id), counts the seats held, changes a
registration's state with a line in its history, queues its email in the outbox, and
commits: the change and its email are durable together. The pieces live here so that
``registration`` and ``waitlist`` share them without an import cycle (``registration``
calls into ``waitlist`` when a seat frees up); the functions that write expect the caller
to hold the lock and to commit (``commit_or_rollback``).

Seats held = confirmed + pending + waiting-list offers not yet taken or passed on.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import Event, Registration, RegistrationChange, RegistrationState, TicketType
from conference.models.registrations import SEAT_HOLDING_STATES
from conference.models.types import utcnow
from conference.services.messaging.outbox import enqueue_mail
from conference.services.registration.attendee_input import RegistrationError

S = RegistrationState


class InvalidTransition(RegistrationError):
    """The registration's state does not allow this action (e.g. approve a cancelled one)."""

    code = "invalid_transition"


# --- Reading ------------------------------------------------------------------------------


def _holds_seat_clause():
    return sa.or_(
        Registration.state.in_(SEAT_HOLDING_STATES),
        sa.and_(Registration.state == S.WAITLISTED, Registration.offer_expires_at.is_not(None)),
    )


def seats_held(*where) -> int:
    """How many registrations matching ``where`` hold a seat (an open offer holds one too)."""
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(_holds_seat_clause(), *where)
    )


def seats_held_by_ticket_type(event: Event) -> dict[int, int]:
    """Seats held per ticket type id of ``event``, in one query (lists of ticket types
    use it instead of ``remaining_seats`` per type; types holding none are absent)."""
    rows = db.session.execute(
        sa.select(Registration.ticket_type_id, sa.func.count(Registration.id))
        .where(Registration.event_id == event.id, _holds_seat_clause())
        .group_by(Registration.ticket_type_id)
    ).all()
    return {ticket_type_id: count for ticket_type_id, count in rows}


def counts_for_event(ticket_type: TicketType) -> bool:
    """Whether the ticket type's seats also count against the event-wide capacity."""
    return ticket_type.event.capacity is not None and ticket_type.counts_toward_event_capacity


def remaining_seats(ticket_type: TicketType) -> int | None:
    """Free seats of the ticket type, also limited by the event-wide capacity; None = unlimited."""
    free = None
    if ticket_type.capacity is not None:
        free = ticket_type.capacity - seats_held(Registration.ticket_type_id == ticket_type.id)
    if counts_for_event(ticket_type):
        counting = sa.select(TicketType.id).where(
            TicketType.event_id == ticket_type.event_id,
            TicketType.counts_toward_event_capacity.is_(True),
        )
        used = seats_held(Registration.event_id == ticket_type.event_id,
                          Registration.ticket_type_id.in_(counting))
        event_free = ticket_type.event.capacity - used
        free = event_free if free is None else min(free, event_free)
    return None if free is None else max(free, 0)


def competing_types(ticket_type: TicketType) -> list[int]:
    """Ticket types whose waiting lists compete for a seat freed in ``ticket_type``.

    With an event-wide capacity that is every ticket type counting against it: one line.
    """
    if not counts_for_event(ticket_type):
        return [ticket_type.id]
    return list(db.session.execute(
        sa.select(TicketType.id).where(
            TicketType.event_id == ticket_type.event_id,
            sa.or_(TicketType.counts_toward_event_capacity.is_(True),
                   TicketType.id == ticket_type.id),
        )
    ).scalars())


def waitlist_order() -> tuple:
    """The waiting list's order: the number taken when joining it (``waitlist_seq``).

    Rows without a number (written directly, never through ``register``) come last.
    """
    return (Registration.waitlist_seq.asc().nulls_last(), Registration.id)


def waitlist_position(registration: Registration) -> int | None:
    """1-based place in the line the registration waits in; None when not waitlisted.

    The line is the waiting list of every ticket type competing for the same seats
    (``competing_types``), in ``waitlist_order``: the order ``fill_free_seats`` promotes
    in. It lives here rather than in ``waitlist`` because every registration email shows it.
    """
    if registration.state is not S.WAITLISTED:
        return None
    seq = registration.waitlist_seq
    if seq is not None:
        ahead_clause = Registration.waitlist_seq < seq
    else:
        ahead_clause = sa.or_(Registration.waitlist_seq.is_not(None),
                              Registration.id < registration.id)
    ahead = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.ticket_type_id.in_(competing_types(registration.ticket_type)),
            Registration.state == S.WAITLISTED,
            ahead_clause,
        )
    )
    return ahead + 1


def take_waitlist_number(event: Event) -> int:
    """The event's next waiting-list number, for a registration joining the waiting list.

    Call it under the seat lock, in the transaction that writes the registration. The
    UPDATE holds the event row until that transaction ends, so whoever takes the next
    number commits later: the numbers follow the commit order, and a position counted
    from them right away is the true one. A rollback gives the number back.
    """
    return db.session.execute(
        sa.update(Event).where(Event.id == event.id)
        .values(waitlist_counter=Event.waitlist_counter + 1)
        .returning(Event.waitlist_counter)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def private_link(registration: Registration) -> str:
    """The attendee's self-service page (absolute URL with the secret token)."""
    base = current_app.config["BASE_URL"]
    return f"{base}/e/{registration.event.slug}/r/{registration.token}/"


# --- Writing helpers ----------------------------------------------------------------------


def record_change(registration: Registration, action: str, detail: str, *, by_user=None,
                  now: dt.datetime | None = None) -> None:
    """Add a history line to the registration (the caller commits)."""
    registration.changes.append(RegistrationChange(
        at=now or utcnow(), user_id=by_user.id if by_user is not None else None,
        action=action, detail=detail,
    ))


def set_state(registration: Registration, state: RegistrationState, now: dt.datetime,
              by_user=None, note: str = "") -> None:
    """Move the registration to ``state`` (an open offer ends) and record it in the history."""
    old = registration.state
    registration.state = state
    registration.state_changed_at = now
    registration.offer_expires_at = None
    detail = f"{old.value} → {state.value}" + (f" ({note})" if note else "")
    record_change(registration, "state", detail, by_user=by_user, now=now)


SUBJECTS = {
    "confirmed": _l("Your registration is confirmed"),
    "pending": _l("We received your registration"),
    "waitlisted": _l("You are on the waiting list"),
    "promoted": _l("A seat is yours: your registration is confirmed"),
    "offer": _l("A seat is free for you: please accept it"),
    "approved": _l("Your registration has been approved"),
    "rejected": _l("About your registration"),
    "cancelled": _l("Your registration has been cancelled"),
    "link": _l("Your registration link"),
}


def notify(registration: Registration, kind: str, **extra) -> None:
    """Queue the ``registration_<kind>`` email in the current transaction."""
    db.session.flush()
    enqueue_mail(
        kind=f"registration.{kind}",
        recipient=registration.email,
        subject=SUBJECTS[kind],
        template=f"registration_{kind}",
        context={"registration": registration, "link": private_link(registration),
                 "position": waitlist_position(registration), **extra},
        event=registration.event,
        locale=registration.locale,
    )


# --- Locks and transactions ---------------------------------------------------------------


def _locking_enabled() -> bool:
    return current_app.config.get("REGISTRATION_LOCKING", True)


def lock_seats(ticket_type: TicketType) -> None:
    """Lock the rows the ticket type's seats are counted against (event first, then type)."""
    if not _locking_enabled():
        return
    if counts_for_event(ticket_type):
        db.session.execute(
            sa.select(Event.id).where(Event.id == ticket_type.event_id).with_for_update()
        )
    db.session.execute(
        sa.select(TicketType).where(TicketType.id == ticket_type.id).with_for_update()
        .execution_options(populate_existing=True)
    )


def refresh_state(registration: Registration) -> None:
    """Reload the registration once its lock is held (another transaction may have moved it)."""
    db.session.refresh(registration)


def commit_or_rollback(work):
    """Run ``work()`` and commit; on any error roll back (releasing the locks) and re-raise."""
    try:
        result = work()
        db.session.commit()
        return result
    except BaseException:
        db.session.rollback()
        raise
