"""Payment deadlines, run periodically (beat): a reminder some days before an order is
due, and at the due date the event's action: cancel its registrations (their seats go to
the waiting list) or flag it overdue for the organizers.

Both happen once per order (``Order.reminder_sent_at``, ``Order.overdue_at``) and take
``now=``, so a run repeated or late does no harm and tests choose the time.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import (
    BankTransferSettings,
    DeadlineAction,
    Order,
    OrderState,
    RegistrationState,
)
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.messaging.outbox import enqueue_mail
from conference.services.payments import state as payment_state
from conference.services.payments.bank_account import bank_transfer_settings
from conference.services.payments.methods import payment_instructions
from conference.services.registration.core import cancel

log = logging.getLogger(__name__)

#: Reminder lead time when the event has no bank-transfer settings.
DEFAULT_REMINDER_DAYS = 3
INACTIVE = (RegistrationState.CANCELLED, RegistrationState.REJECTED)

SUBJECTS = {
    "reminder": _l("Reminder: your payment is due soon"),
    "cancelled": _l("Your order was cancelled: no payment arrived"),
    "overdue": _l("Your payment is overdue"),
}


@dataclass
class DeadlineReport:
    reminded: int = 0
    cancelled: int = 0
    flagged: int = 0


def _settings(order: Order) -> tuple[int, DeadlineAction]:
    settings = bank_transfer_settings(order.event)
    if settings is None:
        return DEFAULT_REMINDER_DAYS, DeadlineAction.FLAG
    return settings.reminder_days, settings.deadline_action


def _locale(order: Order) -> str:
    """The payer's language: theirs when they registered themselves, else the first
    attendee's (a colleague of the same organisation), else the event's."""
    own = [r for r in order.registrations if r.email == order.payer_email]
    chosen = own or order.registrations
    return chosen[0].locale if chosen else order.event.language


def notify_payer(order: Order, kind: str) -> None:
    """Queue the ``order_<kind>`` email to the payer (in the transaction)."""
    enqueue_mail(kind=f"order.{kind}", recipient=order.payer_email, subject=SUBJECTS[kind],
                 template=f"order_{kind}", event=order.event, locale=_locale(order),
                 context={"order": order, "pay": payment_instructions(order)})


def send_reminder(order: Order, now: dt.datetime) -> None:
    """Remind the payer once; the caller commits."""
    order.reminder_sent_at = now
    notify_payer(order, "reminder")
    payment_state.add_history(order, "reminder", now=now,
                              note=f"reminder to {order.payer_email}")


def apply_deadline(order: Order, action: DeadlineAction, now: dt.datetime) -> None:
    """The due date passed unpaid. CANCEL: each registration of the order is cancelled
    through the registration service (locks, waiting list, its email; each commits), then
    the order. A partly paid order is only flagged: money was received, a person decides.
    FLAG: marked overdue. Commits."""
    if action is DeadlineAction.CANCEL and order.state is OrderState.UNPAID:
        for registration in order.registrations:
            if registration.state not in INACTIVE:
                try:
                    cancel(registration, now=now)
                except DomainError:  # cancelled meanwhile by someone else
                    db.session.rollback()
        db.session.refresh(order)
        order.overdue_at = now
        payment_state.set_order_state(order, OrderState.CANCELLED,
                                      "deadline_cancelled", now=now,
                                      note="not paid by the due date")
        notify_payer(order, "cancelled")
    else:
        order.overdue_at = now
        payment_state.add_history(order, "overdue", now=now, note="not paid by the due date")
        notify_payer(order, "overdue")
    db.session.commit()


def run_deadlines(now: dt.datetime | None = None) -> DeadlineReport:
    """One round over every event: reminders due, then deadlines passed. Commits after each
    order, so one failing order does not stop the others."""
    now = now or utcnow()
    report = DeadlineReport()
    open_orders = sa.and_(Order.state.in_(payment_state.OPEN_STATES), Order.due_at.is_not(None),
                          Order.overdue_at.is_(None))
    # Reminders: not reminded yet, not yet due, and due within the event's lead time (at
    # most the longest lead time any event may set: the rest are filtered per event).
    longest = db.session.scalar(sa.select(sa.func.max(BankTransferSettings.reminder_days)))
    horizon = now + dt.timedelta(days=max(longest or 0, DEFAULT_REMINDER_DAYS))
    candidates = db.session.execute(
        sa.select(Order).where(open_orders, Order.reminder_sent_at.is_(None),
                               Order.due_at > now, Order.due_at <= horizon)
        .order_by(Order.id)).scalars().all()
    for order in candidates:
        days, _ = _settings(order)
        if days and order.due_at - dt.timedelta(days=days) <= now:
            send_reminder(order, now)
            db.session.commit()
            report.reminded += 1
    due = db.session.execute(sa.select(Order).where(open_orders, Order.due_at <= now)
                             .order_by(Order.id)).scalars().all()
    for order in due:
        _, action = _settings(order)
        try:
            apply_deadline(order, action, now)
        except Exception:
            db.session.rollback()
            log.exception("payment deadline of order %s failed", order.id)
            continue
        if order.state is OrderState.CANCELLED:
            report.cancelled += 1
        else:
            report.flagged += 1
    return report
