"""Registration rules: capacity that never oversells, states, edits and their emails.

Every function that decides about a seat takes the row lock of what it counts against
(``seats.lock_seats``), records the change in the registration's history, queues its
emails in the outbox, and commits: the change and its email are durable together. A seat
freed here goes to the waiting list (``waitlist.fill_free_seats``) in the same transaction.
Seat counting, locks, history and emails are in ``seats``; promotion and offers that
expire in ``waitlist``.
"""

from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from conference.extensions import db
from conference.models import (
    Answer,
    Event,
    EventStatus,
    PaymentStatus,
    Registration,
    RegistrationState,
    TicketType,
    WaitlistMode,
)
from conference.models.registrations import new_ticket_code, new_token
from conference.models.types import utcnow
from conference.security import secrets_equal
from conference.services import DomainError
from conference.services.partnering.profiles import leave_with_registration
from conference.services.payments import orders
from conference.services.privacy.policy import record_consent
from conference.services.programme.workshops import release_bookings
from conference.services.registration import seats, waitlist
from conference.services.registration.attendee_input import (
    AttendeeDetails,
    InvalidAnswer,
    InvalidDetails,
    RegistrationError,
    clean_answers,
    clean_details,
    normalise_email,
)
from conference.services.registration.payment import status_for_price
from conference.services.registration.seats import InvalidTransition
from conference.services.reports.settings import (
    InvalidOrganisationType,
    clean_organisation_type,
)

__all__ = [
    "AlreadyRegistered", "AttendeeDetails", "ConsentRequired", "EditDeadlinePassed",
    "InvalidAccessCode", "InvalidAnswer", "InvalidDetails", "RegistrationError", "SalesClosed",
    "SoldOut", "approve", "cancel", "change_ticket_type", "register", "reject", "resend_link",
    "set_payment_status", "update_details",
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


class EditDeadlinePassed(RegistrationError):
    """Attendees may no longer edit their details."""

    code = "edit_deadline_passed"


class ConsentRequired(RegistrationError):
    """The privacy policy must be accepted."""

    code = "consent_required"


# --- Registering ----------------------------------------------------------------------------


def find_active_registration(event: Event, email: str) -> Registration | None:
    """The registration of ``email`` (already normalised) that is neither cancelled nor rejected."""
    return db.session.execute(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            Registration.email == email,
            Registration.state.not_in(INACTIVE_STATES),
        )
    ).scalars().first()


def _race_delay() -> None:
    """Test-only pause between counting and writing, to make an unlocked race reproducible."""
    delay = current_app.config.get("REGISTRATION_RACE_DELAY", 0)
    if delay:
        time.sleep(delay)


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
             organisation_type: str = "", join_waitlist: bool = True,
             access_code: str | None = None, by_user=None,
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
    try:
        organisation_type = clean_organisation_type(event, organisation_type)
    except InvalidOrganisationType as error:
        raise InvalidDetails("unknown organisation type", field="organisation_type") from error
    cleaned_answers = clean_answers(event, answers or {})

    def work() -> Registration:
        seats.lock_seats(ticket_type)
        if find_active_registration(event, clean.email) is not None:
            raise AlreadyRegistered("this email is already registered", email=clean.email)
        if event.waitlist_mode is WaitlistMode.OFFER:
            waitlist.expire_due_offers(waitlist.competing_types(ticket_type), now)
        free = seats.remaining_seats(ticket_type)
        if free is None or free > 0:
            waitlist.fill_free_seats(ticket_type, now)  # people already waiting go first
            free = seats.remaining_seats(ticket_type)
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
            organisation_type=organisation_type, token=new_token(), ticket_code=new_ticket_code(),
            created_at=now, state_changed_at=now,
            payment_status=status_for_price(ticket_type),
            privacy_consent_at=now if privacy_consent else None,
            consent_public_list=consent_public_list, consent_news=consent_news,
            waitlist_seq=seats.take_waitlist_number(event) if state is S.WAITLISTED else None,
        )
        if privacy_consent:
            record_consent(registration, event)
        registration.refresh_search_key()
        db.session.add(registration)
        registration.answers = [Answer(question_id=qid, value=value)
                                for qid, value in cleaned_answers.items() if value]
        orders.open_order(registration, now=now)  # what it costs, in the same transaction
        seats.record_change(registration, "registered", f"{state.value}, {ticket_type.name}",
                            by_user=by_user, now=now)
        seats.notify(registration, {S.CONFIRMED: "confirmed", S.PENDING: "pending",
                                    S.WAITLISTED: "waitlisted"}[state])
        return registration

    try:
        return seats.commit_or_rollback(work)
    except IntegrityError as error:
        # The partial unique index caught a parallel registration with the same email.
        raise AlreadyRegistered("this email is already registered", email=clean.email) from error


# --- State changes --------------------------------------------------------------------------


def cancel(registration: Registration, *, by_user=None,
           now: dt.datetime | None = None) -> list[Registration]:
    """Cancel (attendee or organizer); the freed seat goes to the waiting list. Commits.

    Returns the registrations promoted (or offered the seat) as a result.
    """
    now = now or utcnow()

    def work():
        seats.lock_seats(registration.ticket_type)
        seats.refresh_state(registration)
        if registration.state in INACTIVE_STATES:
            raise InvalidTransition("already cancelled or rejected")
        freed = registration.holds_seat or registration.offer_expires_at is not None
        who = "by organizer" if by_user is not None else "by attendee"
        seats.set_state(registration, S.CANCELLED, now, by_user=by_user, note=who)
        release_bookings(registration)  # workshop seats go back in the same transaction
        orders.close_order_of_cancelled(registration)
        leave_with_registration(registration, now)  # partnering requests and meetings close
        seats.notify(registration, "cancelled", offer_expired=False)
        return waitlist.fill_free_seats(registration.ticket_type, now) if freed else []

    return seats.commit_or_rollback(work)


def approve(registration: Registration, *, by_user, now: dt.datetime | None = None) -> Registration:
    """PENDING → CONFIRMED; emails the attendee. Commits."""
    now = now or utcnow()

    def work():
        seats.lock_seats(registration.ticket_type)
        seats.refresh_state(registration)
        if registration.state is not S.PENDING:
            raise InvalidTransition("only pending registrations can be approved")
        seats.set_state(registration, S.CONFIRMED, now, by_user=by_user, note="approved")
        seats.notify(registration, "approved")
        return registration

    return seats.commit_or_rollback(work)


def reject(registration: Registration, *, by_user, now: dt.datetime | None = None) -> Registration:
    """PENDING or WAITLISTED → REJECTED; emails the attendee; a freed seat is passed on. Commits."""
    now = now or utcnow()

    def work():
        seats.lock_seats(registration.ticket_type)
        seats.refresh_state(registration)
        if registration.state not in (S.PENDING, S.WAITLISTED):
            raise InvalidTransition("only pending or waitlisted registrations can be rejected")
        freed = registration.holds_seat or registration.offer_expires_at is not None
        seats.set_state(registration, S.REJECTED, now, by_user=by_user)
        orders.close_order_of_cancelled(registration)
        seats.notify(registration, "rejected")
        if freed:
            waitlist.fill_free_seats(registration.ticket_type, now)
        return registration

    return seats.commit_or_rollback(work)


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
            seats.lock_seats(locked)
        seats.refresh_state(registration)
        if registration.state in INACTIVE_STATES:
            raise InvalidTransition("cancelled or rejected registrations keep their ticket type")
        if registration.holds_seat:
            _check_room_for_move(registration, ticket_type)
        registration.ticket_type = ticket_type
        if not ticket_type.price and registration.payment_status is PaymentStatus.UNPAID:
            registration.payment_status = PaymentStatus.WAIVED  # nothing is owed any more
        orders.follow_ticket_change(registration, now=now)
        seats.record_change(registration, "ticket_type", f"{old_type.name} → {ticket_type.name}",
                            by_user=by_user, now=now)
        db.session.flush()
        waitlist.fill_free_seats(old_type, now)
        return registration

    return seats.commit_or_rollback(work)


def _check_room_for_move(registration: Registration, ticket_type: TicketType) -> None:
    """SoldOut unless the new ticket type (and the event, if the seat moves into its count)
    has room for a registration that already holds a seat."""
    if ticket_type.capacity is not None and (
            seats.seats_held(Registration.ticket_type_id == ticket_type.id)
            >= ticket_type.capacity):
        raise SoldOut("no seats left on that ticket type")
    moves_into_event_count = seats.counts_for_event(ticket_type) and not seats.counts_for_event(
        registration.ticket_type)
    if moves_into_event_count and seats.remaining_seats(ticket_type) == 0:
        raise SoldOut("the event is full")


def set_payment_status(registration: Registration, status: PaymentStatus, *, by_user,
                       now: dt.datetime | None = None) -> Registration:
    """Record payment by hand (unpaid / paid / waived). Commits."""
    now = now or utcnow()
    if registration.payment_status is not status:
        seats.record_change(registration, "payment",
                            f"{registration.payment_status.value} → {status.value}",
                            by_user=by_user, now=now)
        registration.payment_status = status
        orders.follow_payment_status(registration, by_user=by_user, now=now)
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
        registration.refresh_search_key()
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
            seats.record_change(registration, "details", ", ".join(changed), by_user=by_user,
                                now=now)
        return registration

    try:
        return seats.commit_or_rollback(work)
    except IntegrityError as error:
        raise AlreadyRegistered("this email is already registered", email=clean.email) from error


def resend_link(event: Event, email: str, *, now: dt.datetime | None = None) -> None:
    """Email the private link to ``email`` if it is registered; silent otherwise. Commits."""
    try:
        address = normalise_email(email)
    except DomainError:
        return
    registration = find_active_registration(event, address)
    if registration is None:
        return
    seats.record_change(registration, "link", "private link sent again", now=now)
    seats.notify(registration, "link")
    db.session.commit()
