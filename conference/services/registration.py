"""Registration rules: capacity that never oversells, states, waiting list and its emails.

Every function that decides about a seat takes the row lock of what it counts against
(the TicketType, and the Event when an event-wide capacity applies; always in the order
event, then ticket types by id), records the change in the registration's history, queues
its emails in the outbox, and commits: the change and its email are durable together.

Seats held = confirmed + pending + waiting-list offers not yet taken or passed on.
"""

from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from conference.extensions import db
from conference.models import (
    Answer,
    Event,
    EventStatus,
    PaymentStatus,
    Registration,
    RegistrationChange,
    RegistrationState,
    TicketType,
    WaitlistMode,
)
from conference.models.registrations import SEAT_HOLDING_STATES, new_ticket_code, new_token
from conference.models.types import utcnow
from conference.security import secrets_equal
from conference.services import DomainError
from conference.services.attendee_input import (
    AttendeeDetails,
    InvalidAnswer,
    InvalidDetails,
    RegistrationError,
    clean_answers,
    clean_details,
    normalise_email,
)
from conference.services.mail import enqueue_mail
from conference.services.workshops import release_bookings

__all__ = [
    "AlreadyRegistered", "AttendeeDetails", "ConsentRequired", "EditDeadlinePassed",
    "InvalidAccessCode", "InvalidAnswer", "InvalidDetails", "InvalidTransition",
    "RegistrationError", "SalesClosed", "SoldOut", "accept_offer", "approve", "cancel",
    "change_ticket_type", "expire_offers", "private_link", "promote_waitlist", "record_change",
    "register", "reject", "remaining_seats", "resend_link", "set_payment_status",
    "update_details", "waitlist_position",
]

S = RegistrationState
#: States that no longer count: the same email may register again.
INACTIVE_STATES = (S.CANCELLED, S.REJECTED)


class SalesClosed(RegistrationError):
    """Outside the ticket type's sales window, or the event is not open for registration."""

    code = "sales_closed"


class SoldOut(RegistrationError):
    """No seat left and the attendee did not ask for the waiting list."""

    code = "sold_out"


class AlreadyRegistered(RegistrationError):
    """An active registration with this email exists for the event."""

    code = "already_registered"


class InvalidAccessCode(RegistrationError):
    """A hidden ticket type was asked for without its access code."""

    code = "invalid_access_code"


class InvalidTransition(RegistrationError):
    """The registration's state does not allow this action (e.g. approve a cancelled one)."""

    code = "invalid_transition"


class EditDeadlinePassed(RegistrationError):
    """Attendees may no longer edit their details."""

    code = "edit_deadline_passed"


class ConsentRequired(RegistrationError):
    """The privacy policy must be accepted."""

    code = "consent_required"


# --- Reading ------------------------------------------------------------------------------


def _holds_seat_clause():
    return sa.or_(
        Registration.state.in_(SEAT_HOLDING_STATES),
        sa.and_(Registration.state == S.WAITLISTED, Registration.offer_expires_at.is_not(None)),
    )


def _held(*where) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(_holds_seat_clause(), *where)
    )


def _counts_for_event(ticket_type: TicketType) -> bool:
    return ticket_type.event.capacity is not None and ticket_type.counts_toward_event_capacity


def remaining_seats(ticket_type: TicketType) -> int | None:
    """Free seats of the ticket type, also limited by the event-wide capacity; None = unlimited."""
    free = None
    if ticket_type.capacity is not None:
        free = ticket_type.capacity - _held(Registration.ticket_type_id == ticket_type.id)
    if _counts_for_event(ticket_type):
        counting = sa.select(TicketType.id).where(
            TicketType.event_id == ticket_type.event_id,
            TicketType.counts_toward_event_capacity.is_(True),
        )
        used = _held(Registration.event_id == ticket_type.event_id,
                     Registration.ticket_type_id.in_(counting))
        event_free = ticket_type.event.capacity - used
        free = event_free if free is None else min(free, event_free)
    return None if free is None else max(free, 0)


def _waitlist_order():
    return (Registration.state_changed_at, Registration.id)


def waitlist_position(registration: Registration) -> int | None:
    """1-based place on the ticket type's waiting list; None when not waitlisted."""
    if registration.state is not S.WAITLISTED:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.ticket_type_id == registration.ticket_type_id,
            Registration.state == S.WAITLISTED,
            sa.or_(
                Registration.state_changed_at < registration.state_changed_at,
                sa.and_(Registration.state_changed_at == registration.state_changed_at,
                        Registration.id < registration.id),
            ),
        )
    )
    return ahead + 1


def find_active_registration(event: Event, email: str) -> Registration | None:
    """The registration of ``email`` (already normalised) that is neither cancelled nor rejected."""
    return db.session.execute(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            Registration.email == email,
            Registration.state.not_in(INACTIVE_STATES),
        )
    ).scalars().first()


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


def _set_state(registration: Registration, state: RegistrationState, now: dt.datetime,
               by_user=None, note: str = "") -> None:
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


def _notify(registration: Registration, kind: str, **extra) -> None:
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


def _locking_enabled() -> bool:
    return current_app.config.get("REGISTRATION_LOCKING", True)


def _lock(ticket_type: TicketType) -> None:
    """Lock the rows the ticket type's seats are counted against (event first, then type)."""
    if not _locking_enabled():
        return
    if _counts_for_event(ticket_type):
        db.session.execute(
            sa.select(Event.id).where(Event.id == ticket_type.event_id).with_for_update()
        )
    db.session.execute(
        sa.select(TicketType).where(TicketType.id == ticket_type.id).with_for_update()
        .execution_options(populate_existing=True)
    )


def _race_delay() -> None:
    """Test-only pause between counting and writing, to make an unlocked race reproducible."""
    delay = current_app.config.get("REGISTRATION_RACE_DELAY", 0)
    if delay:
        time.sleep(delay)


def _competing_types(ticket_type: TicketType) -> list[int]:
    """Ticket types whose waiting lists compete for a seat freed in ``ticket_type``."""
    if not _counts_for_event(ticket_type):
        return [ticket_type.id]
    return list(db.session.execute(
        sa.select(TicketType.id).where(
            TicketType.event_id == ticket_type.event_id,
            sa.or_(TicketType.counts_toward_event_capacity.is_(True),
                   TicketType.id == ticket_type.id),
        )
    ).scalars())


def _expire_due_offers(ticket_type_ids: list[int], now: dt.datetime) -> list[Registration]:
    """Offers past their time end: the person leaves the waiting list and is told so."""
    expired = list(db.session.execute(
        sa.select(Registration).where(
            Registration.ticket_type_id.in_(ticket_type_ids),
            Registration.state == S.WAITLISTED,
            Registration.offer_expires_at <= now,
        ).order_by(*_waitlist_order())
    ).scalars())
    for registration in expired:
        _set_state(registration, S.CANCELLED, now, note="offer expired")
        _notify(registration, "cancelled", offer_expired=True)
    return expired


def _fill_free_seats(ticket_type: TicketType, now: dt.datetime) -> list[Registration]:
    """Give free seats to the waiting list in order: promote, or offer (event's choice).

    The caller holds the lock of ``ticket_type``; with an event-wide capacity that is the
    event row, which every counting ticket type's decision takes too.
    """
    event = ticket_type.event
    waiting = db.session.execute(
        sa.select(Registration).where(
            Registration.ticket_type_id.in_(_competing_types(ticket_type)),
            Registration.state == S.WAITLISTED,
            Registration.offer_expires_at.is_(None),
        ).order_by(*_waitlist_order())
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
            _notify(registration, "offer")
        else:
            target = S.PENDING if registration.ticket_type.requires_approval else S.CONFIRMED
            _set_state(registration, target, now, note="from the waiting list")
            _notify(registration, "promoted")
        moved.append(registration)
    return moved


def _commit_or_rollback(work):
    """Run ``work()`` and commit; on any error roll back (releasing the locks) and re-raise."""
    try:
        result = work()
        db.session.commit()
        return result
    except BaseException:
        db.session.rollback()
        raise


# --- Registering ----------------------------------------------------------------------------


def _check_open(event: Event, ticket_type: TicketType, now: dt.datetime) -> None:
    if event.status is not EventStatus.PUBLISHED:
        raise SalesClosed("the event is not open for registration")
    if ticket_type.sales_open_at and now < ticket_type.sales_open_at:
        raise SalesClosed("sales have not opened yet")
    if ticket_type.sales_close_at and now >= ticket_type.sales_close_at:
        raise SalesClosed("sales have closed")


def register(event: Event, ticket_type: TicketType, details: AttendeeDetails, *,
             answers: dict | None = None, privacy_consent: bool,
             consent_public_list: bool = False, consent_news: bool = False,
             join_waitlist: bool = True, access_code: str | None = None, by_user=None,
             ignore_sales_window: bool = False, ignore_capacity: bool = False,
             now: dt.datetime | None = None) -> Registration:
    """Register a person: CONFIRMED, PENDING (approval) or WAITLISTED when full; commits.

    Raises SalesClosed, InvalidAccessCode, ConsentRequired, InvalidDetails, InvalidAnswer,
    AlreadyRegistered, SoldOut (full and ``join_waitlist`` false). ``by_user`` (staff at the
    desk or importing guests) may skip the access code and the consent; ``ignore_*`` skip
    the sales window and the capacity.
    """
    now = now or utcnow()
    if ticket_type.event_id != event.id:
        raise SalesClosed("ticket type of another event")
    if not ignore_sales_window:
        _check_open(event, ticket_type, now)
    if not ticket_type.is_public and by_user is None and not secrets_equal(
            (access_code or "").strip(), ticket_type.access_code):
        raise InvalidAccessCode("this ticket type needs a valid access code")
    if not privacy_consent and by_user is None:
        raise ConsentRequired("the privacy policy must be accepted")
    clean = clean_details(details)
    cleaned_answers = clean_answers(event, answers or {})

    def work() -> Registration:
        _lock(ticket_type)
        if find_active_registration(event, clean.email) is not None:
            raise AlreadyRegistered("this email is already registered", email=clean.email)
        if event.waitlist_mode is WaitlistMode.OFFER:
            _expire_due_offers(_competing_types(ticket_type), now)
        free = remaining_seats(ticket_type)
        if free is None or free > 0:
            _fill_free_seats(ticket_type, now)  # people already waiting go first
            free = remaining_seats(ticket_type)
        _race_delay()
        if ignore_capacity or free is None or free > 0:
            state = S.PENDING if ticket_type.requires_approval else S.CONFIRMED
        elif join_waitlist:
            state = S.WAITLISTED
        else:
            raise SoldOut("no seats left")
        registration = Registration(
            event=event, ticket_type=ticket_type, state=state,
            first_name=clean.first_name, last_name=clean.last_name, email=clean.email,
            organization=clean.organization, job_title=clean.job_title,
            country=clean.country, phone=clean.phone, locale=clean.locale,
            token=new_token(), ticket_code=new_ticket_code(),
            created_at=now, state_changed_at=now,
            payment_status=PaymentStatus.WAIVED if not ticket_type.price else PaymentStatus.UNPAID,
            privacy_consent_at=now if privacy_consent else None,
            privacy_policy_version=event.privacy_policy_version if privacy_consent else "",
            consent_public_list=consent_public_list, consent_news=consent_news,
        )
        db.session.add(registration)
        registration.answers = [Answer(question_id=qid, value=value)
                                for qid, value in cleaned_answers.items() if value]
        record_change(registration, "registered", f"{state.value}, {ticket_type.name}",
                      by_user=by_user, now=now)
        _notify(registration, {S.CONFIRMED: "confirmed", S.PENDING: "pending",
                               S.WAITLISTED: "waitlisted"}[state])
        return registration

    try:
        return _commit_or_rollback(work)
    except IntegrityError as error:
        # The partial unique index caught a parallel registration with the same email.
        raise AlreadyRegistered("this email is already registered", email=clean.email) from error


# --- State changes --------------------------------------------------------------------------


def _refresh_state(registration: Registration) -> None:
    db.session.refresh(registration)


def cancel(registration: Registration, *, by_user=None,
           now: dt.datetime | None = None) -> list[Registration]:
    """Cancel (attendee or organizer); the freed seat goes to the waiting list. Commits.

    Returns the registrations promoted (or offered the seat) as a result.
    """
    now = now or utcnow()

    def work():
        _lock(registration.ticket_type)
        _refresh_state(registration)
        if registration.state in INACTIVE_STATES:
            raise InvalidTransition("already cancelled or rejected")
        freed = registration.holds_seat or registration.offer_expires_at is not None
        who = "by organizer" if by_user is not None else "by attendee"
        _set_state(registration, S.CANCELLED, now, by_user=by_user, note=who)
        release_bookings(registration)  # workshop seats go back in the same transaction
        _notify(registration, "cancelled", offer_expired=False)
        return _fill_free_seats(registration.ticket_type, now) if freed else []

    return _commit_or_rollback(work)


def approve(registration: Registration, *, by_user, now: dt.datetime | None = None) -> Registration:
    """PENDING → CONFIRMED; emails the attendee. Commits."""
    now = now or utcnow()

    def work():
        _lock(registration.ticket_type)
        _refresh_state(registration)
        if registration.state is not S.PENDING:
            raise InvalidTransition("only pending registrations can be approved")
        _set_state(registration, S.CONFIRMED, now, by_user=by_user, note="approved")
        _notify(registration, "approved")
        return registration

    return _commit_or_rollback(work)


def reject(registration: Registration, *, by_user, now: dt.datetime | None = None) -> Registration:
    """PENDING or WAITLISTED → REJECTED; emails the attendee; a freed seat is passed on. Commits."""
    now = now or utcnow()

    def work():
        _lock(registration.ticket_type)
        _refresh_state(registration)
        if registration.state not in (S.PENDING, S.WAITLISTED):
            raise InvalidTransition("only pending or waitlisted registrations can be rejected")
        freed = registration.holds_seat or registration.offer_expires_at is not None
        _set_state(registration, S.REJECTED, now, by_user=by_user)
        _notify(registration, "rejected")
        if freed:
            _fill_free_seats(registration.ticket_type, now)
        return registration

    return _commit_or_rollback(work)


def change_ticket_type(registration: Registration, ticket_type: TicketType, *, by_user,
                       now: dt.datetime | None = None) -> Registration:
    """Move a registration to another ticket type of its event (staff). Commits.

    A seat-holding registration needs a free seat on the new type (SoldOut otherwise); the
    seat freed on the old type goes to its waiting list.
    """
    now = now or utcnow()
    old_type = registration.ticket_type
    if ticket_type.event_id != registration.event_id:
        raise InvalidTransition("ticket type of another event")
    if ticket_type.id == old_type.id:
        return registration

    def work():
        for locked in sorted((old_type, ticket_type), key=lambda t: t.id):
            _lock(locked)
        _refresh_state(registration)
        if registration.state in INACTIVE_STATES:
            raise InvalidTransition("cancelled or rejected registrations keep their ticket type")
        if registration.holds_seat:
            _check_room_for_move(registration, ticket_type)
        registration.ticket_type = ticket_type
        record_change(registration, "ticket_type", f"{old_type.name} → {ticket_type.name}",
                      by_user=by_user, now=now)
        db.session.flush()
        _fill_free_seats(old_type, now)
        return registration

    return _commit_or_rollback(work)


def _check_room_for_move(registration: Registration, ticket_type: TicketType) -> None:
    """SoldOut unless the new ticket type (and the event, if the seat moves into its count)
    has room for a registration that already holds a seat."""
    if ticket_type.capacity is not None and (
            _held(Registration.ticket_type_id == ticket_type.id) >= ticket_type.capacity):
        raise SoldOut("no seats left on that ticket type")
    moves_into_event_count = _counts_for_event(ticket_type) and not _counts_for_event(
        registration.ticket_type)
    if moves_into_event_count and remaining_seats(ticket_type) == 0:
        raise SoldOut("the event is full")


def set_payment_status(registration: Registration, status: PaymentStatus, *, by_user,
                       now: dt.datetime | None = None) -> Registration:
    """Record payment by hand (unpaid / paid / waived). Commits."""
    now = now or utcnow()
    if registration.payment_status is not status:
        record_change(registration, "payment",
                      f"{registration.payment_status.value} → {status.value}",
                      by_user=by_user, now=now)
        registration.payment_status = status
    db.session.commit()
    return registration


def can_edit(registration: Registration, now: dt.datetime | None = None) -> bool:
    """Whether the attendee may still edit their details."""
    deadline = registration.event.edit_deadline
    return registration.state not in INACTIVE_STATES and (
        deadline is None or (now or utcnow()) < deadline)


def update_details(registration: Registration, details: AttendeeDetails, *,
                   answers: dict | None = None, by_user=None,
                   now: dt.datetime | None = None) -> Registration:
    """Change the personal details (and answers when given). Commits.

    The attendee (``by_user`` None) is refused after the event's edit deadline
    (EditDeadlinePassed) and once cancelled (InvalidTransition).
    """
    now = now or utcnow()
    if by_user is None:
        deadline = registration.event.edit_deadline
        if deadline is not None and now >= deadline:
            raise EditDeadlinePassed("the edit deadline has passed")
        if registration.state in INACTIVE_STATES:
            raise InvalidTransition("cancelled registrations cannot be edited")
    clean = clean_details(details)
    cleaned_answers = clean_answers(registration.event, answers) if answers is not None else None

    def work():
        if clean.email != registration.email:
            other = find_active_registration(registration.event, clean.email)
            if other is not None and other.id != registration.id:
                raise AlreadyRegistered("this email is already registered", email=clean.email)
        changed = []
        for field in ("first_name", "last_name", "email", "organization", "job_title",
                      "country", "phone", "locale"):
            if getattr(registration, field) != getattr(clean, field):
                changed.append(field)
                setattr(registration, field, getattr(clean, field))
        if cleaned_answers is not None:
            current = {a.question_id: a for a in registration.answers}
            for question_id, value in cleaned_answers.items():
                answer = current.get(question_id)
                if answer is None and value:
                    registration.answers.append(Answer(question_id=question_id, value=value))
                elif answer is not None and answer.value != value:
                    answer.value = value
                else:
                    continue
                changed.append(f"answer {question_id}")
        if changed:
            record_change(registration, "details", ", ".join(changed), by_user=by_user, now=now)
        return registration

    try:
        return _commit_or_rollback(work)
    except IntegrityError as error:
        raise AlreadyRegistered("this email is already registered", email=clean.email) from error


# --- Waiting list ---------------------------------------------------------------------------


def promote_waitlist(ticket_type: TicketType, *,
                     now: dt.datetime | None = None) -> list[Registration]:
    """Give free seats to the waiting list (call after raising a capacity). Commits.

    Promotes, or offers the seat for ``event.waitlist_offer_hours`` (event's waitlist_mode);
    returns the registrations promoted or offered a seat.
    """
    now = now or utcnow()

    def work():
        _lock(ticket_type)
        _expire_due_offers(_competing_types(ticket_type), now)
        return _fill_free_seats(ticket_type, now)

    return _commit_or_rollback(work)


def accept_offer(registration: Registration, *, now: dt.datetime | None = None) -> Registration:
    """The attendee takes the seat offered to them (offer mode). Commits.

    Raises InvalidTransition when there is no offer or it has expired.
    """
    now = now or utcnow()

    def work():
        _lock(registration.ticket_type)
        _refresh_state(registration)
        expires = registration.offer_expires_at
        if registration.state is not S.WAITLISTED or expires is None or now >= expires:
            raise InvalidTransition("no open offer")
        target = S.PENDING if registration.ticket_type.requires_approval else S.CONFIRMED
        _set_state(registration, target, now, note="offer accepted")
        _notify(registration, "confirmed" if target is S.CONFIRMED else "pending")
        return registration

    return _commit_or_rollback(work)


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
            _lock(ticket_type)
            gone = _expire_due_offers(_competing_types(ticket_type), now)
            _fill_free_seats(ticket_type, now)
            return gone

        expired.extend(_commit_or_rollback(work))
    return expired


def resend_link(event: Event, email: str, *, now: dt.datetime | None = None) -> None:
    """Email the private link to ``email`` if it is registered; silent otherwise. Commits."""
    try:
        address = normalise_email(email)
    except DomainError:
        return
    registration = find_active_registration(event, address)
    if registration is None:
        return
    record_change(registration, "link", "private link sent again", now=now)
    _notify(registration, "link")
    db.session.commit()
