"""Payment methods behind one small interface, and the registry that finds them.

A method turns an order into the instructions a payer needs (``instructions(order)``), or
None when it cannot be used for that order (not configured, nothing owed). Bank transfer is
the only method today; an online provider would be one more class registered here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from flask_babel import lazy_gettext as _l

from conference.models import Order, OrderState, Registration, RegistrationState
from conference.services.payments.bank_account import bank_transfer_settings, grouped_iban

#: Order states in which the payer is still asked to pay.
OPEN_STATES = (OrderState.UNPAID, OrderState.PARTIALLY_PAID)


@dataclass(frozen=True)
class PaymentInstructions:
    """Everything a payer needs to pay ``amount`` for one order by bank transfer."""

    method: str
    amount: Decimal
    currency: str
    payee_name: str
    #: Electronic form (no spaces); ``iban_grouped`` is for reading.
    iban: str
    bank_name: str
    bic: str
    reference: str
    due_at: dt.datetime | None
    #: The payment QR codes that fit this payment: ``zbp`` (Polish banks), ``epc`` (SEPA).
    qr_codes: tuple[str, ...]

    @property
    def iban_grouped(self) -> str:
        return grouped_iban(self.iban)


class PaymentMethod(Protocol):
    """What every payment method offers."""

    code: str
    label: str

    def instructions(self, order: Order) -> PaymentInstructions | None:
        """How to pay ``order``, or None when this method cannot be used for it."""


class BankTransfer:
    """Payment by bank transfer into the event's account, with the order's reference."""

    code = "bank_transfer"
    label = _l("Bank transfer")

    def instructions(self, order: Order) -> PaymentInstructions | None:
        settings = bank_transfer_settings(order.event)
        if settings is None or order.state not in OPEN_STATES:
            return None
        codes = []
        if order.currency == "PLN" and settings.iban.startswith("PL"):
            codes.append("zbp")
        if order.currency == "EUR":
            codes.append("epc")
        return PaymentInstructions(
            method=self.code, amount=order.outstanding, currency=order.currency,
            payee_name=settings.payee_name, iban=settings.iban, bank_name=settings.bank_name,
            bic=settings.bic, reference=order.reference, due_at=order.due_at,
            qr_codes=tuple(codes),
        )


#: Every payment method, by code.
METHODS: dict[str, PaymentMethod] = {}


def register_method(method: PaymentMethod) -> None:
    """Make ``method`` available under its code."""
    METHODS[method.code] = method


register_method(BankTransfer())


def instructions_for(registration: Registration) -> PaymentInstructions | None:
    """How the attendee pays for ``registration``: only once it is confirmed (a pending or
    waiting registration is not asked to pay yet), and only while its order is open. In a
    group order only the payer is asked (the colleagues' pages and emails say nothing)."""
    if registration.state is not RegistrationState.CONFIRMED:
        return None
    order = registration.order
    if order is not None and order.token and registration.email != order.payer_email:
        return None
    return payment_instructions(registration.order)


def payment_instructions(order: Order | None) -> PaymentInstructions | None:
    """How to pay ``order`` with its own method; None when nothing is to be paid."""
    if order is None:
        return None
    method = METHODS.get(order.method)
    return method.instructions(order) if method is not None else None
