"""Group orders: a contact person registers several colleagues of one organisation at once.

Each colleague gets a registration of their own (private link, badge, emails); the group
has one order with one payer, one reference and one payment. Seats are taken under the
same row locks as a single registration, for the whole group in one transaction: either
every colleague gets a seat, or nothing is taken (a group never goes to the waiting list).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from conference.extensions import db
from conference.models import (
    Event,
    Order,
    Registration,
    RegistrationState,
    TicketType,
    WaitlistMode,
)
from conference.models.registrations import new_ticket_code, new_token
from conference.models.types import utcnow
from conference.services.messaging.outbox import enqueue_mail
from conference.services.payments import orders
from conference.services.payments.methods import payment_instructions
from conference.services.registration import seats, waitlist
from conference.services.registration.attendee_input import (
    AttendeeDetails,
    InvalidDetails,
    RegistrationError,
    clean_details,
    normalise_email,
)
from conference.services.registration.core import (
    AlreadyRegistered,
    ConsentRequired,
    InvalidAccessCode,
    SalesClosed,
    SoldOut,
    _check_open,
    _race_delay,
    find_active_registration,
)
from conference.services.registration.payment import status_for_price

#: Most colleagues in one group order.
MAX_GROUP = 20
S = RegistrationState


class GroupError(RegistrationError):
    """The group as a whole is not acceptable; ``details["index"]`` names the attendee row
    (0-based) when one row is the cause."""

    code = "invalid_group"


class MixedCurrencies(GroupError):
    code = "mixed_currencies"


@dataclass
class GroupMember:
    ticket_type: TicketType
    details: AttendeeDetails


@dataclass
class Contact:
    """The person who orders and pays (may or may not attend)."""

    name: str
    email: str
    organization: str
    locale: str = "en"


def _clean_contact(contact: Contact) -> Contact:
    name = " ".join((contact.name or "").split())
    if not name or len(name) > 200:
        raise InvalidDetails("the contact's name is missing or too long", field="contact_name")
    try:
        email = normalise_email(contact.email)
    except InvalidDetails as error:
        raise InvalidDetails(error.message, field="contact_email") from error
    organization = " ".join((contact.organization or "").split())
    if not organization or len(organization) > 200:
        raise InvalidDetails("the organisation is missing or too long",
                             field="contact_organization")
    return Contact(name=name, email=email, organization=organization, locale=contact.locale)


def _clean_members(event: Event, members: list[GroupMember], by_user,
                   now: dt.datetime) -> list[GroupMember]:
    if not members:
        raise GroupError(str(_l("Add at least one attendee.")))
    if len(members) > MAX_GROUP:
        raise GroupError(str(_l("At most %(count)d attendees per order.", count=MAX_GROUP)))
    cleaned, seen = [], {}
    for index, member in enumerate(members):
        ticket_type = member.ticket_type
        if ticket_type.event_id != event.id:
            raise SalesClosed("ticket type of another event", index=index)
        try:
            _check_open(event, ticket_type, now)
        except SalesClosed as error:
            raise SalesClosed(error.message, index=index) from error
        if not ticket_type.is_public and by_user is None:
            raise InvalidAccessCode("hidden ticket types cannot be ordered in a group",
                                    index=index)
        try:
            details = clean_details(member.details)
        except InvalidDetails as error:
            raise InvalidDetails(error.message, index=index, **error.details) from error
        if details.email in seen:
            raise GroupError(str(_l("Attendee %(row)d has the same email as attendee "
                                    "%(other)d.", row=index + 1, other=seen[details.email] + 1)),
                             index=index)
        seen[details.email] = index
        cleaned.append(GroupMember(ticket_type, details))
    currencies = {m.ticket_type.currency for m in cleaned if m.ticket_type.price}
    if len(currencies) > 1:
        raise MixedCurrencies(str(_l("All paid tickets of one order must be in one "
                                     "currency.")))
    return cleaned


def _check_room(event: Event, needed: Counter, types: dict[int, TicketType]) -> None:
    """SoldOut unless every ticket type, and the event as a whole, has room for the group."""
    for type_id, count in needed.items():
        free = seats.remaining_seats(types[type_id])
        if free is not None and free < count:
            raise SoldOut(f"not enough seats on {types[type_id].name}",
                          ticket_type_id=type_id, free=free)
    counting = [t for t in types.values() if seats.counts_for_event(t)]
    if counting:
        all_counting = sa.select(TicketType.id).where(
            TicketType.event_id == event.id, TicketType.counts_toward_event_capacity.is_(True))
        used = seats.seats_held(Registration.event_id == event.id,
                                Registration.ticket_type_id.in_(all_counting))
        event_free = event.capacity - used
        if event_free < sum(needed[t.id] for t in counting):
            raise SoldOut("not enough seats at the event", free=event_free)


def register_group(event: Event, contact: Contact, members: list[GroupMember], *,
                   privacy_consent: bool, by_user=None,
                   now: dt.datetime | None = None) -> Order | list[Registration]:
    """Register every member and open one order paid by ``contact``; commits.

    Returns the order, or the registrations when nothing is owed (free tickets). Raises
    ConsentRequired, InvalidDetails / SalesClosed / InvalidAccessCode / AlreadyRegistered
    naming the row (``details["index"]``), GroupError, MixedCurrencies, SoldOut (nothing is
    taken then).
    """
    now = now or utcnow()
    if not privacy_consent and by_user is None:
        raise ConsentRequired("the privacy policy must be accepted")
    contact = _clean_contact(contact)
    cleaned = _clean_members(event, members, by_user, now)
    types = {m.ticket_type.id: m.ticket_type for m in cleaned}
    needed = Counter(m.ticket_type.id for m in cleaned)

    def work():
        for ticket_type in sorted(types.values(), key=lambda t: t.id):
            seats.lock_seats(ticket_type)
        for index, member in enumerate(cleaned):
            if find_active_registration(event, member.details.email) is not None:
                raise AlreadyRegistered("this email is already registered",
                                        email=member.details.email, index=index)
        for ticket_type in types.values():
            if event.waitlist_mode is WaitlistMode.OFFER:
                waitlist.expire_due_offers(waitlist.competing_types(ticket_type), now)
            waitlist.fill_free_seats(ticket_type, now)  # people already waiting go first
        _check_room(event, needed, types)
        _race_delay()
        registrations = []
        for member in cleaned:
            details, ticket_type = member.details, member.ticket_type
            state = S.PENDING if ticket_type.requires_approval else S.CONFIRMED
            registration = Registration(
                event=event, ticket_type=ticket_type, state=state,
                first_name=details.first_name, last_name=details.last_name,
                email=details.email, organization=details.organization or contact.organization,
                job_title=details.job_title, country=details.country, phone=details.phone,
                locale=details.locale, token=new_token(), ticket_code=new_ticket_code(),
                created_at=now, state_changed_at=now,
                payment_status=status_for_price(ticket_type),
                privacy_consent_at=now if privacy_consent else None,
                privacy_policy_version=event.privacy_policy_version if privacy_consent else "",
            )
            registration.refresh_search_key()
            db.session.add(registration)
            registrations.append(registration)
        order = orders.open_group_order(
            event, registrations, payer_name=contact.name, payer_email=contact.email,
            payer_organization=contact.organization, now=now)
        reference = f", group order {order.reference}" if order is not None else ", group"
        for registration in registrations:
            seats.record_change(registration, "registered",
                                f"{registration.state.value}, {registration.ticket_type.name}"
                                f"{reference} by {contact.email}", by_user=by_user, now=now)
            seats.notify(registration, "confirmed" if registration.state is S.CONFIRMED
                         else "pending")
        if order is not None:
            db.session.flush()
            enqueue_mail(kind="order.group", recipient=contact.email,
                         subject=_l("Your group order: how to pay"), template="order_group",
                         context={"order": order, "pay": payment_instructions(order)},
                         event=event, locale=contact.locale)
        return order if order is not None else registrations

    try:
        return seats.commit_or_rollback(work)
    except IntegrityError as error:
        # The partial unique index caught a parallel registration with one of the emails.
        raise AlreadyRegistered("an email of the group is already registered") from error


def order_by_token(event: Event, token: str) -> Order | None:
    """The order behind the payer's secret link, or None."""
    if not token:
        return None
    return db.session.execute(sa.select(Order).where(
        Order.event_id == event.id, Order.token == token)).scalar_one_or_none()
