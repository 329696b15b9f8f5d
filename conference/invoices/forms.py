"""Invoice forms: the buyer's details (registration, private page), the organizers' issuer
settings, the period of an export."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from conference.services.invoicing.billing import BillingInput
from conference.services.invoicing.settings import IssuerInput

LANGUAGE_CHOICES = [SelectChoice("pl", "Polski"), SelectChoice("en", "English")]


class InvoiceDetailsForm(FlaskForm):
    """"I need an invoice": the buyer's details, checked (tax id included) by the service.
    Used with ``prefix="invoice"`` and no CSRF token of its own inside the registration
    form (which carries one)."""

    wants_invoice = BooleanField(_l("I need an invoice"))
    company = StringField(_l("Organisation name (as on the invoice)"),
                          validators=[Optional(), Length(max=200)])
    address = TextAreaField(_l("Address (street, postal code, city)"),
                            validators=[Optional(), Length(max=400)])
    country = SelectField(_l("Country of the organisation"), validate_choice=False)
    tax_id = StringField(_l("Tax id (NIP or EU VAT number)"),
                         description=_l("Polish NIP: ten digits. EU VAT number: with or "
                                        "without the country prefix, e.g. FR40303265045."),
                         validators=[Optional(), Length(max=40)])
    language = RadioField(_l("Invoice language"), choices=LANGUAGE_CHOICES, default="pl",
                          validate_choice=False)
    wants_proforma = BooleanField(_l("Send me a pro-forma invoice first (to pay from)"))

    def billing(self) -> BillingInput:
        return BillingInput(company=self.company.data or "", address=self.address.data or "",
                            country=self.country.data or "", tax_id=self.tax_id.data or "",
                            language=self.language.data or "",
                            wants_proforma=bool(self.wants_proforma.data))


class BillingForm(InvoiceDetailsForm):
    """The same details on their own page (private page, after registering)."""

    submit = SubmitField(_l("Save invoice details"))


class IssuerForm(FlaskForm):
    legal_name = StringField(_l("Legal name of the issuer"),
                             validators=[InputRequired(), Length(max=200)],
                             description=_l("Exactly as in the company register (KRS/REGON)."))
    address = TextAreaField(_l("Address"), validators=[InputRequired(), Length(max=400)])
    nip = StringField(_l("NIP"), validators=[InputRequired(), Length(max=20)])
    place_of_issue = StringField(_l("Place of issue"),
                                 validators=[InputRequired(), Length(max=100)])
    vat_pattern = StringField(_l("VAT invoice numbers"), default="FV/{year}/{seq}",
                              validators=[InputRequired(), Length(max=60)],
                              description=_l("With {year} and {seq}; {month} is optional."))
    proforma_pattern = StringField(_l("Pro-forma numbers"), default="PF/{year}/{seq}",
                                   validators=[InputRequired(), Length(max=60)])
    correction_pattern = StringField(_l("Correcting invoice numbers"),
                                     default="KOR/{year}/{seq}",
                                     validators=[InputRequired(), Length(max=60)])
    reverse_charge_eu = BooleanField(
        _l("Invoice businesses from other EU countries with a valid VAT number under reverse "
           "charge"), default=False,
        description=_l("Leave this off for admission to an event held in Poland: it is taxed "
                       "where the event takes place (art. 28g(1) of the VAT act), so foreign "
                       "businesses pay Polish VAT too. Turn it on only for services taxed where "
                       "the buyer is established, such as an online-only training, and ask "
                       "your accountant."))
    submit = SubmitField(_l("Save"))

    def issuer(self) -> IssuerInput:
        return IssuerInput(**{name: self[name].data or "" for name in (
            "legal_name", "address", "nip", "place_of_issue", "vat_pattern",
            "proforma_pattern", "correction_pattern")},
            reverse_charge_eu=bool(self.reverse_charge_eu.data))


class PeriodForm(FlaskForm):
    """The issue dates an export covers (GET filter: no CSRF token)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


class ActionForm(FlaskForm):
    """A button that changes something (CSRF-protected)."""

    submit = SubmitField(_l("Confirm"))


class CorrectionForm(FlaskForm):
    reason = StringField(_l("Reason for the correction"),
                         validators=[InputRequired(), Length(max=300)])
    submit = SubmitField(_l("Issue a correcting invoice"))
