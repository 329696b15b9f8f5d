"""Payment deadlines: one reminder before the due date, then the event's action, once."""

from __future__ import annotations

import datetime as dt

from conference.extensions import db
from conference.models import (
    DeadlineAction,
    OrderState,
    OutboxMessage,
    RegistrationState,
)
from conference.services.payments.bank_account import bank_transfer_settings
from conference.services.payments.deadlines import run_deadlines
from conference.services.payments.state import history_of, record_payment
from tests.fixtures.payments import ORDER_NOW


def _mails(kind):
    return db.session.execute(db.select(OutboxMessage).where(OutboxMessage.kind == kind)
                              ).scalars().all()


def _set_action(event, action):
    bank_transfer_settings(event).deadline_action = action
    db.session.commit()


def test_no_reminder_before_the_lead_time(paid_event, make_order):
    order = make_order(paid_event)
    run_deadlines(now=order.due_at - dt.timedelta(days=3, minutes=1))
    assert order.reminder_sent_at is None and _mails("order.reminder") == []


def test_one_reminder_within_the_lead_time_however_often_the_round_runs(paid_event, make_order):
    order = make_order(paid_event)
    now = order.due_at - dt.timedelta(days=2)
    assert run_deadlines(now=now).reminded == 1
    assert run_deadlines(now=now + dt.timedelta(hours=1)).reminded == 0
    [mail] = _mails("order.reminder")
    assert mail.recipient == order.payer_email and order.reference in mail.body_text
    assert order.reminder_sent_at == now
    assert history_of(order)[-1].kind == "reminder"


def test_the_reminder_lead_time_is_a_setting(paid_event, make_order):
    bank_transfer_settings(paid_event).reminder_days = 5
    db.session.commit()
    order = make_order(paid_event)
    assert run_deadlines(now=order.due_at - dt.timedelta(days=4, hours=23)).reminded == 1


def test_a_paid_order_gets_no_reminder(paid_event, make_order):
    order = make_order(paid_event)
    record_payment(order, "250", now=ORDER_NOW)
    db.session.commit()
    assert run_deadlines(now=order.due_at - dt.timedelta(days=1)).reminded == 0


def test_at_the_deadline_cancel_cancels_the_registration_and_emails_the_payer(
        paid_event, make_order):
    order = make_order(paid_event)
    registration = order.registrations[0]
    report = run_deadlines(now=order.due_at + dt.timedelta(minutes=1))
    assert report.cancelled == 1
    assert registration.state is RegistrationState.CANCELLED
    assert order.state is OrderState.CANCELLED and order.overdue_at is not None
    assert len(_mails("order.cancelled")) == 1
    assert len(_mails("registration.cancelled")) == 1
    assert history_of(order)[-1].kind == "deadline_cancelled"


def test_the_cancelled_seat_goes_to_the_waiting_list(paid_event, make_order, make_ticket_type,
                                                     sign_up):
    ticket = make_ticket_type(paid_event, price=250, capacity=1)
    order = make_order(paid_event, ticket_type=ticket)
    waiting = sign_up(paid_event, ticket)
    assert waiting.state is RegistrationState.WAITLISTED
    run_deadlines(now=order.due_at + dt.timedelta(minutes=1))
    db.session.refresh(waiting)
    assert waiting.state is RegistrationState.CONFIRMED


def test_the_deadline_is_applied_once(paid_event, make_order):
    order = make_order(paid_event)
    later = order.due_at + dt.timedelta(minutes=1)
    run_deadlines(now=later)
    report = run_deadlines(now=later + dt.timedelta(hours=1))
    assert (report.cancelled, report.flagged) == (0, 0)
    assert len(_mails("order.cancelled")) == 1


def test_flag_keeps_the_registration_and_marks_the_order_overdue(paid_event, make_order):
    _set_action(paid_event, DeadlineAction.FLAG)
    order = make_order(paid_event)
    report = run_deadlines(now=order.due_at + dt.timedelta(minutes=1))
    assert report.flagged == 1
    assert order.registrations[0].state is RegistrationState.CONFIRMED
    assert order.state is OrderState.UNPAID and order.overdue_at is not None
    assert len(_mails("order.overdue")) == 1


def test_a_partly_paid_order_is_flagged_not_cancelled(paid_event, make_order):
    order = make_order(paid_event)
    record_payment(order, "100", now=ORDER_NOW)
    db.session.commit()
    report = run_deadlines(now=order.due_at + dt.timedelta(minutes=1))
    assert report.flagged == 1
    assert order.registrations[0].state is RegistrationState.CONFIRMED


def test_nothing_happens_before_the_due_date(paid_event, make_order):
    order = make_order(paid_event)
    report = run_deadlines(now=order.due_at - dt.timedelta(minutes=1))
    assert (report.cancelled, report.flagged) == (0, 0)
    assert order.state is OrderState.UNPAID


def test_the_beat_runs_the_deadlines_every_quarter_hour(app, paid_event, make_order):
    from conference.jobs import beat_schedule
    from conference.jobs.tasks import TASKS

    entry = beat_schedule(app)["payment-deadlines"]
    assert entry["schedule"] == dt.timedelta(minutes=15)
    order = make_order(paid_event)
    order.due_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    db.session.commit()
    assert TASKS[entry["task"]]() == {"reminded": 0, "cancelled": 1, "flagged": 0}
