"""Group orders: several colleagues, one order, one payer; all seats or none."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from conference.extensions import db
from conference.models import (
    Event,
    Order,
    OrderState,
    OutboxMessage,
    PaymentStatus,
    Registration,
    RegistrationState,
    TicketType,
)
from conference.services.payments.statements.importing import import_statement
from conference.services.registration.core import AlreadyRegistered, InvalidDetails, SoldOut
from conference.services.registration.group import (
    Contact,
    GroupError,
    GroupMember,
    MixedCurrencies,
    order_by_token,
    register_group,
)
from tests.fixtures.payments import ORDER_NOW, mt940_statement
from tests.fixtures.registration import attendee

CONTACT = Contact(name="Maria Wiśniewska", email="Zakupy@Selvita.example",
                  organization="Selvita S.A.", locale="pl")


def _group(event, ticket_type, count=3, **kwargs):
    members = [GroupMember(ticket_type, attendee(organization="")) for _ in range(count)]
    kwargs.setdefault("privacy_consent", True)
    kwargs.setdefault("now", ORDER_NOW)
    return register_group(event, CONTACT, members, **kwargs)


def _registrations(event):
    return db.session.execute(db.select(Registration).where(
        Registration.event_id == event.id).order_by(Registration.id)).scalars().all()


def test_three_colleagues_get_their_own_registrations_and_one_order(paid_event):
    order = _group(paid_event, paid_event.test_ticket)
    registrations = _registrations(paid_event)
    assert len(registrations) == 3
    assert {r.order_id for r in registrations} == {order.id}
    assert len({r.token for r in registrations}) == 3
    assert len({r.ticket_code for r in registrations}) == 3
    assert all(r.state is RegistrationState.CONFIRMED for r in registrations)
    assert all(r.organization == "Selvita S.A." for r in registrations)
    assert (order.amount, order.currency, order.payer_email, order.state) == (
        Decimal("750.00"), "PLN", "zakupy@selvita.example", OrderState.UNPAID)
    assert order.token and order_by_token(paid_event, order.token) == order


def test_each_colleague_and_the_payer_get_their_emails(paid_event):
    order = _group(paid_event, paid_event.test_ticket)
    mails = db.session.execute(db.select(OutboxMessage)).scalars().all()
    confirmed = sorted(m.recipient for m in mails if m.kind == "registration.confirmed")
    assert confirmed == sorted(r.email for r in _registrations(paid_event))
    [payer_mail] = [m for m in mails if m.kind == "order.group"]
    assert payer_mail.recipient == "zakupy@selvita.example"
    assert order.reference in payer_mail.body_text and "750" in payer_mail.body_text


def test_rows_may_have_different_ticket_types(paid_event, make_ticket_type):
    student = make_ticket_type(paid_event, price=Decimal("100.00"), currency="PLN")
    members = [GroupMember(paid_event.test_ticket, attendee()),
               GroupMember(student, attendee())]
    order = register_group(paid_event, CONTACT, members, privacy_consent=True, now=ORDER_NOW)
    assert order.amount == Decimal("350.00")


def test_paying_the_group_order_from_the_statement_pays_every_colleague(paid_event):
    order = _group(paid_event, paid_event.test_ticket)
    import_statement(paid_event, mt940_statement([("750.00", f"zamowienie {order.reference}")]),
                     filename="s.sta", file_format="mt940")
    db.session.commit()
    assert order.state is OrderState.PAID
    assert {r.payment_status for r in _registrations(paid_event)} == {PaymentStatus.PAID}


def test_a_group_bigger_than_the_free_seats_takes_nothing(paid_event, make_ticket_type):
    small = make_ticket_type(paid_event, price=Decimal("250"), capacity=2)
    with pytest.raises(SoldOut):
        _group(paid_event, small, count=3)
    assert _registrations(paid_event) == []
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_the_event_wide_capacity_counts_the_whole_group(make_event, make_ticket_type):
    event = make_event(capacity=4)
    first = make_ticket_type(event, price=Decimal("100"), capacity=None)
    second = make_ticket_type(event, price=Decimal("100"), capacity=None)
    members = [GroupMember(first, attendee()) for _ in range(3)] + [
        GroupMember(second, attendee()) for _ in range(2)]
    with pytest.raises(SoldOut):
        register_group(event, CONTACT, members, privacy_consent=True, now=ORDER_NOW)
    assert _registrations(event) == []


def test_one_colleague_already_registered_stops_the_whole_group(paid_event, sign_up):
    existing = sign_up(paid_event, paid_event.test_ticket)
    members = [GroupMember(paid_event.test_ticket, attendee()),
               GroupMember(paid_event.test_ticket, attendee(email=existing.email))]
    with pytest.raises(AlreadyRegistered) as caught:
        register_group(paid_event, CONTACT, members, privacy_consent=True, now=ORDER_NOW)
    assert caught.value.details["index"] == 1
    assert len(_registrations(paid_event)) == 1


def test_the_same_email_twice_in_a_group_is_refused(paid_event):
    members = [GroupMember(paid_event.test_ticket, attendee(email="a@example.org")),
               GroupMember(paid_event.test_ticket, attendee(email="A@example.org"))]
    with pytest.raises(GroupError) as caught:
        register_group(paid_event, CONTACT, members, privacy_consent=True, now=ORDER_NOW)
    assert caught.value.details["index"] == 1


def test_an_invalid_row_is_named(paid_event):
    members = [GroupMember(paid_event.test_ticket, attendee()),
               GroupMember(paid_event.test_ticket, attendee(email="not-an-email"))]
    with pytest.raises(InvalidDetails) as caught:
        register_group(paid_event, CONTACT, members, privacy_consent=True, now=ORDER_NOW)
    assert caught.value.details["index"] == 1


def test_tickets_in_two_currencies_cannot_share_an_order(paid_event, make_ticket_type):
    euro = make_ticket_type(paid_event, price=Decimal("60"), currency="EUR")
    members = [GroupMember(paid_event.test_ticket, attendee()), GroupMember(euro, attendee())]
    with pytest.raises(MixedCurrencies):
        register_group(paid_event, CONTACT, members, privacy_consent=True, now=ORDER_NOW)


def test_an_empty_group_is_refused(paid_event):
    with pytest.raises(GroupError):
        register_group(paid_event, CONTACT, [], privacy_consent=True, now=ORDER_NOW)


def test_free_tickets_make_no_order(paid_event, make_ticket_type):
    free = make_ticket_type(paid_event, price=0)
    result = _group(paid_event, free, count=2)
    assert isinstance(result, list) and len(result) == 2
    assert all(r.order_id is None for r in result)


def test_the_contact_needs_an_organisation(paid_event):
    members = [GroupMember(paid_event.test_ticket, attendee())]
    contact = Contact(name="X", email="x@example.org", organization=" ")
    with pytest.raises(InvalidDetails) as caught:
        register_group(paid_event, contact, members, privacy_consent=True, now=ORDER_NOW)
    assert caught.value.details["field"] == "contact_organization"


# --- The race on PostgreSQL ------------------------------------------------------------------

PARALLEL_GROUPS = 2
GROUP_SIZE = 3
LAST_SEATS = 4


@pytest.fixture
def app_config(app_config):
    app_config.update(REGISTRATION_RACE_DELAY=0.05,
                      SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 4, "max_overflow": 0})
    return app_config


def _groups_in_parallel(app, event_id, ticket_type_id, groups):
    def one(n: int) -> str:
        with app.app_context():
            event = db.session.get(Event, event_id)
            ticket_type = db.session.get(TicketType, ticket_type_id)
            members = [GroupMember(ticket_type, attendee(email=f"g{n}-{i}@example.org"))
                       for i in range(GROUP_SIZE)]
            contact = Contact(name=f"Contact {n}", email=f"c{n}@example.org",
                              organization=f"Org {n}")
            try:
                register_group(event, contact, members, privacy_consent=True,
                               now=dt.datetime.now(dt.UTC))
                return "ok"
            except SoldOut:
                return "sold_out"
            except Exception as error:  # noqa: BLE001 - every failure is counted
                return f"error: {error!r}"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=groups) as pool:
        return sorted(pool.map(one, range(groups)))


def _held(ticket_type_id):
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(Registration.id)).where(
        Registration.ticket_type_id == ticket_type_id,
        Registration.state == RegistrationState.CONFIRMED))


@pytest.mark.postgres_only
def test_two_groups_racing_for_the_last_seats_one_gets_all_the_other_nothing(
        app, make_event, make_ticket_type):
    event = make_event()
    ticket_type = make_ticket_type(event, price=Decimal("250"), capacity=LAST_SEATS)
    results = _groups_in_parallel(app, event.id, ticket_type.id, PARALLEL_GROUPS)
    assert results == ["ok", "sold_out"]
    assert _held(ticket_type.id) == GROUP_SIZE
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 1


@pytest.mark.postgres_only
def test_without_the_lock_two_groups_oversell(app, make_event, make_ticket_type):
    app.config["REGISTRATION_LOCKING"] = False
    event = make_event()
    ticket_type = make_ticket_type(event, price=Decimal("250"), capacity=LAST_SEATS)
    _groups_in_parallel(app, event.id, ticket_type.id, PARALLEL_GROUPS)
    assert _held(ticket_type.id) > LAST_SEATS


def test_colleagues_are_not_asked_to_pay_the_group_order(paid_event):
    from conference.services.payments.methods import instructions_for

    _group(paid_event, paid_event.test_ticket)
    assert [instructions_for(r) for r in _registrations(paid_event)] == [None, None, None]


# --- A colleague drops out ----------------------------------------------------------------

def test_a_colleague_cancelling_lowers_what_the_unpaid_group_order_owes(paid_event):
    from conference.services.registration.core import cancel

    order = _group(paid_event, paid_event.test_ticket)
    first = _registrations(paid_event)[0]
    cancel(first, by_user=None)
    db.session.commit()
    assert (order.amount, order.state) == (Decimal("500.00"), OrderState.UNPAID)
    assert [line.kind for line in order.history][-1] == "repriced"


def test_when_the_part_already_paid_covers_the_rest_the_group_order_is_paid(paid_event):
    from conference.services.payments.state import record_payment
    from conference.services.registration.core import cancel

    order = _group(paid_event, paid_event.test_ticket)
    record_payment(order, Decimal("500.00"), now=ORDER_NOW)
    db.session.commit()
    assert order.state is OrderState.PARTIALLY_PAID
    cancel(_registrations(paid_event)[0], by_user=None)
    db.session.commit()
    assert (order.amount, order.state) == (Decimal("500.00"), OrderState.PAID)
    still_coming = [r for r in _registrations(paid_event)
                    if r.state is RegistrationState.CONFIRMED]
    assert {r.payment_status for r in still_coming} == {PaymentStatus.PAID}


def test_a_paid_group_order_keeps_its_amount_when_a_colleague_cancels(paid_event):
    from conference.services.payments.state import record_payment
    from conference.services.registration.core import cancel

    order = _group(paid_event, paid_event.test_ticket)
    record_payment(order, Decimal("750.00"), now=ORDER_NOW)
    db.session.commit()
    cancel(_registrations(paid_event)[0], by_user=None)
    db.session.commit()
    assert (order.amount, order.state) == (Decimal("750.00"), OrderState.PAID)
