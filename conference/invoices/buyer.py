"""The buyer's invoice details in forms: the "I need an invoice" part of the registration
form (checked before registering, so a wrong tax id saves nothing) and the messages for the
service's refusals. Used by the registration blueprint and the invoice pages."""

from __future__ import annotations

import contextlib

from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.invoices.forms import InvoiceDetailsForm
from conference.models import Registration
from conference.registration.forms import country_choices
from conference.services.invoicing import InvoicingError
from conference.services.invoicing.billing import (
    BillingInput,
    InvalidBillingDetails,
    attach_billing,
    clean_billing,
)
from conference.services.invoicing.issue import issue_proforma
from conference.services.registration.attendee_input import country_codes

#: Messages for the buyer's invoice fields, by the service's reason.
BILLING_ERRORS = {
    "required": _l("Please fill in this field to get an invoice."),
    "too_long": _l("This is too long or contains characters we cannot accept."),
    "choice": _l("Please choose from the list."),
    "format": _l("This tax id has the wrong format for the chosen country (a Polish NIP has "
                 "ten digits; an EU VAT number starts with the country's prefix)."),
    "checksum": _l("This tax id is not valid: its check digit does not match. Please check "
                   "for a typo."),
    "country": _l("This VAT number belongs to another country than the one chosen."),
}


def apply_billing_error(form, error: InvalidBillingDetails) -> None:
    """Show the service's refusal on the field it names."""
    field = form[error.details.get("field", "company")]
    field.errors = [*field.errors, BILLING_ERRORS.get(error.details.get("reason"),
                                                      BILLING_ERRORS["too_long"])]


def cleaned_billing(form):
    """The form's details checked by the service, or None (the error is on its field)."""
    try:
        return clean_billing(form.billing(), countries=set(country_codes()))
    except InvalidBillingDetails as error:
        apply_billing_error(form, error)
        return None


def registration_invoice_form(ticket_types) -> InvoiceDetailsForm | None:
    """The "I need an invoice" part of the registration form, when a ticket costs money."""
    if not any(t.price for t in ticket_types):
        return None
    form = InvoiceDetailsForm(prefix="invoice", meta={"csrf": False})
    form.country.choices = country_choices()
    return form


def registration_billing(form: InvoiceDetailsForm | None) -> tuple[bool, BillingInput | None]:
    """(ok, details): the buyer's details checked before registering, so a wrong tax id
    refuses the whole form and nothing is saved; (True, None) when no invoice is wanted."""
    if form is None or not form.wants_invoice.data:
        return True, None
    if not form.validate():
        return False, None
    given = cleaned_billing(form)
    return given is not None, given


def attach_registration_billing(registration: Registration, given: BillingInput | None) -> None:
    """After registering: the details go on the new order (and a pro-forma when asked)."""
    if given is None or registration.order is None:
        return
    attach_billing(registration.order, given)
    if given.wants_proforma:
        # Without an issuer yet the buyer asks again from the private page.
        with contextlib.suppress(InvoicingError):
            issue_proforma(registration.order)
    db.session.commit()
