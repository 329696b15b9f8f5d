"""What a registration's payment reads as: a ticket that costs nothing is free, never unpaid.

``Registration.payment_status`` records what the organizers marked (unpaid, paid, waived);
whether anything is owed at all depends on the ticket type's price. Every page, email and
export shows ``payment_state`` instead of the bare status.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import PaymentStatus, Registration, TicketType

#: The payment state of a registration whose ticket costs nothing.
FREE = "free"
#: Every payment state, in the order the filters offer them.
PAYMENT_STATES = (PaymentStatus.UNPAID.value, PaymentStatus.PAID.value,
                  PaymentStatus.WAIVED.value, FREE)
PAYMENT_STATE_LABELS = {
    PaymentStatus.UNPAID.value: _l("Unpaid"),
    PaymentStatus.PAID.value: _l("Paid"),
    PaymentStatus.WAIVED.value: _l("Waived"),
    FREE: _l("Free"),
}


def payment_state(registration: Registration) -> str:
    """``free`` when the ticket costs nothing, else the recorded status (``unpaid``,
    ``paid`` or ``waived``)."""
    if not registration.ticket_type.price:
        return FREE
    return registration.payment_status.value


def status_for_price(ticket_type: TicketType) -> PaymentStatus:
    """The payment status a new registration on ``ticket_type`` starts with."""
    return PaymentStatus.UNPAID if ticket_type.price else PaymentStatus.WAIVED


def payment_state_condition(state: str) -> sa.ColumnElement[bool]:
    """The SQL condition selecting registrations in payment ``state``."""
    free_types = db.select(TicketType.id).where(TicketType.price == 0)
    if state == FREE:
        return Registration.ticket_type_id.in_(free_types)
    return sa.and_(Registration.payment_status == PaymentStatus(state),
                   Registration.ticket_type_id.not_in(free_types))
