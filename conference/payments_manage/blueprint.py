"""The blueprint and its shared labels."""

from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user

from conference.links import add_link
from conference.models import Event, OrderState, ReviewReason, TransactionState

bp = Blueprint("payments_manage", __name__, url_prefix="/manage/<slug>")

ORDER_STATE_LABELS = {
    OrderState.FREE: lazy_pgettext("order", "Free"),
    OrderState.UNPAID: lazy_pgettext("order", "Unpaid"),
    OrderState.PARTIALLY_PAID: lazy_pgettext("order", "Partially paid"),
    OrderState.PAID: lazy_pgettext("order", "Paid"),
    OrderState.REFUNDED: lazy_pgettext("order", "Refunded"),
    OrderState.CANCELLED: lazy_pgettext("order", "Cancelled"),
}
FILTER_LABELS = {
    "unpaid": lazy_pgettext("order", "Unpaid"),
    "overdue": lazy_pgettext("order", "Overdue"),
    "partially_paid": lazy_pgettext("order", "Partially paid"),
    "paid": lazy_pgettext("order", "Paid"),
    "refunded": lazy_pgettext("order", "Refunded"),
    "cancelled": lazy_pgettext("order", "Cancelled"),
}
HISTORY_LABELS = {
    "created": _l("Order opened"),
    "payment": _l("Payment received"),
    "refund": _l("Refund"),
    "state": _l("State changed"),
    "reminder": _l("Reminder sent"),
    "overdue": _l("Overdue"),
    "deadline_cancelled": _l("Cancelled at the deadline"),
    "repriced": _l("Amount changed"),
}
METHOD_LABELS = {
    "bank_transfer": _l("Bank transfer"),
    "statement": _l("Bank statement"),
    "cash": _l("Cash"),
    "card": _l("Card"),
    "other": _l("Other"),
}
REASON_LABELS = {
    ReviewReason.PARTIAL: _l("Less than the amount owed"),
    ReviewReason.OVERPAID: _l("More than the amount owed"),
    ReviewReason.ORDER_NOT_OPEN: _l("The order is not waiting for payment"),
    ReviewReason.CURRENCY: _l("Another currency than the order's"),
    ReviewReason.UNKNOWN: _l("No order reference found"),
}
TRANSACTION_STATE_LABELS = {
    TransactionState.MATCHED: _l("Matched"),
    TransactionState.REVIEW: _l("Waiting for a decision"),
    TransactionState.ASSIGNED: _l("Assigned by hand"),
    TransactionState.IGNORED: _l("Ignored"),
}


def _orders_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return str(_l("Orders and payments")), url_for("payments_manage.orders", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _orders_link))


@bp.context_processor
def _labels():
    return {"ORDER_STATE_LABELS": ORDER_STATE_LABELS, "FILTER_LABELS": FILTER_LABELS,
            "HISTORY_LABELS": HISTORY_LABELS, "METHOD_LABELS": METHOD_LABELS,
            "REASON_LABELS": REASON_LABELS,
            "TRANSACTION_STATE_LABELS": TRANSACTION_STATE_LABELS}
