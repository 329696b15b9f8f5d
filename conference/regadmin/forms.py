from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from conference.fields import DateTimeLocalField, TranslatedField
from conference.models import (
    VAT_RATES,
    BadgeRole,
    PaymentStatus,
    QuestionKind,
    RegistrationState,
    WaitlistMode,
)
from conference.registration.forms import DetailsForm
from conference.services.registration.payment import FREE
from conference.services.registration.settings import CURRENCIES

STATE_LABELS = {
    RegistrationState.CONFIRMED: _l("Confirmed"),
    RegistrationState.PENDING: _l("Pending approval"),
    RegistrationState.WAITLISTED: _l("Waiting list"),
    RegistrationState.CANCELLED: _l("Cancelled"),
    RegistrationState.REJECTED: _l("Rejected"),
}
#: CSS class of each state's label.
STATE_CLASSES = {
    RegistrationState.CONFIRMED: "status-ok",
    RegistrationState.PENDING: "status-warn",
    RegistrationState.WAITLISTED: "status-warn",
    RegistrationState.CANCELLED: "status-bad",
    RegistrationState.REJECTED: "status-bad",
}
PAYMENT_LABELS = {
    PaymentStatus.UNPAID: _l("Unpaid"),
    PaymentStatus.PAID: _l("Paid"),
    PaymentStatus.WAIVED: _l("Waived"),
}
#: CSS class of each payment state's label (``payment.PAYMENT_STATES``).
PAYMENT_CLASSES = {
    PaymentStatus.UNPAID.value: "status-warn",
    PaymentStatus.PAID.value: "status-ok",
    PaymentStatus.WAIVED.value: "",
    FREE: "",
}
BADGE_ROLE_LABELS = {
    BadgeRole.ATTENDEE: _l("Attendee"),
    BadgeRole.SPEAKER: _l("Speaker"),
    BadgeRole.ORGANIZER: _l("Organizer"),
    BadgeRole.STAFF: _l("Staff"),
    BadgeRole.PRESS: _l("Press"),
    BadgeRole.PARTNER: _l("Partner"),
}
KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.CHECKBOX: _l("Checkbox (yes / no)"),
}
WAITLIST_LABELS = {
    WaitlistMode.AUTOMATIC: _l("Automatic: the first in line gets a freed seat at once"),
    WaitlistMode.OFFER: _l("Offer: the first in line is offered the seat for a few hours"),
}

def _no_control_characters(form, field):
    """Refuse NUL and other control characters (line breaks and tabs are fine)."""
    if any(not ch.isprintable() and ch not in "\r\n\t" for ch in field.data or ""):
        raise ValidationError(_l("Remove the control characters from this field."))


_TEXT = _no_control_characters
_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class TicketTypeForm(FlaskForm):
    name = TranslatedField(_l("Name"), required=True, max_length=120)
    description = TranslatedField(_l("Description"), max_length=5000, multiline=True)
    includes = TranslatedField(
        _l("What the ticket includes"),
        description=_l("Shown on the public event page, e.g. “Lunch on both days, "
                       "workshop materials”."),
        max_length=1000, multiline=True,
    )
    price = DecimalField(_l("Price"), places=2, default=0,
                         validators=[InputRequired(), NumberRange(min=0, max=99999999)])
    currency = SelectField(_l("Currency"), choices=[SelectChoice(c, c) for c in CURRENCIES])
    vat_rate = SelectField(_l("VAT rate"), default="23", description=_l(
        "The price is gross (VAT included); invoices show the net and VAT parts."), choices=[
        SelectChoice(r, f"{r}%" if r.isdigit() else {"zw": _l("zw. (exempt)"),
                                                     "np": _l("np. (not taxed in Poland)")}[r])
        for r in VAT_RATES])
    capacity = IntegerField(_l("Capacity"), description=_l("Leave empty for no limit."),
                            validators=[Optional(), NumberRange(min=0, max=1000000)])
    sales_open_at = DateTimeLocalField(_l("Sales open"), format=_DATETIME_FORMATS,
                                       description=_l("In the event's timezone; empty: now."),
                                       validators=[Optional()])
    sales_close_at = DateTimeLocalField(_l("Sales close"), format=_DATETIME_FORMATS,
                                        description=_l("In the event's timezone; empty: never."),
                                        validators=[Optional()])
    visibility = SelectField(_l("Visibility"), choices=[
        SelectChoice("public", _l("Public: offered on the registration form")),
        SelectChoice("code", _l("Hidden: offered only with the access code")),
    ])
    access_code = StringField(_l("Access code"),
                              description=_l("For speakers, partners or press."),
                              validators=[Optional(), Length(max=64), _TEXT])
    requires_approval = BooleanField(_l("Registrations need the organizers' approval"))
    badge_role = SelectField(_l("Badge role"), choices=[
        SelectChoice(r.value, label) for r, label in BADGE_ROLE_LABELS.items()])
    counts_toward_event_capacity = BooleanField(_l("Counts toward the event's capacity"),
                                                default=True)
    position = IntegerField(_l("Position in lists"), default=0,
                            validators=[Optional(), NumberRange(min=-1000, max=1000)])
    submit = SubmitField(_l("Save ticket type"))


class RegistrationSettingsForm(FlaskForm):
    capacity = IntegerField(_l("Event capacity"),
                            description=_l("Confirmed and pending registrations of ticket types "
                                           "that count toward it. Empty: no limit."),
                            validators=[Optional(), NumberRange(min=0, max=1000000)])
    waitlist_mode = SelectField(_l("Waiting list"), choices=[
        SelectChoice(m.value, label) for m, label in WAITLIST_LABELS.items()])
    waitlist_offer_hours = IntegerField(_l("Hours to accept an offered seat"), default=48,
                                        validators=[InputRequired(),
                                                    NumberRange(min=1, max=24 * 30)])
    edit_deadline = DateTimeLocalField(_l("Attendees may edit their details until"),
                                       format=_DATETIME_FORMATS,
                                       description=_l("In the event's timezone; empty: always."),
                                       validators=[Optional()])
    privacy_policy_version = StringField(_l("Privacy policy version"),
                                         validators=[DataRequired(), Length(max=40), _TEXT])
    privacy_policy_url = URLField(_l("Privacy policy address"),
                                  validators=[Optional(), URL(), Length(max=500), _TEXT])
    requires_payment = BooleanField(_l("Check-in refuses registrations that are not paid"))
    submit = SubmitField(_l("Save settings"))


class QuestionForm(FlaskForm):
    label = TranslatedField(_l("Question"), required=True, max_length=300)
    help_text = TranslatedField(_l("Help text"), max_length=500)
    kind = SelectField(_l("Kind of answer"), choices=[
        SelectChoice(k.value, label) for k, label in KIND_LABELS.items()])
    options = TranslatedField(
        _l("Options"), max_length=5000, multiline=True,
        description=_l("Choice questions: one option per line, the same options in the same "
                       "order in every language."))
    required = BooleanField(_l("An answer is required"))
    position = IntegerField(_l("Position on the form"), default=0,
                            validators=[Optional(), NumberRange(min=-1000, max=1000)])
    active = BooleanField(_l("Asked on the form"), default=True,
                          description=_l("Hidden questions keep their answers."))
    sensitive = BooleanField(_l("Sensitive answers (e.g. dietary needs, accessibility)"),
                             description=_l("Removed earlier than the rest of the personal "
                                            "data, as set under Privacy › Retention."))
    submit = SubmitField(_l("Save question"))


class StaffDetailsForm(DetailsForm):
    """An organizer edits an attendee's details (and answers, added per question)."""

    submit = SubmitField(_l("Save details"))


class WalkInForm(DetailsForm):
    ticket_type = SelectField(_l("Ticket type"), coerce=int)
    privacy_consent = BooleanField(_l("The attendee accepts the privacy policy"),
                                   validators=[DataRequired()])
    ignore_capacity = BooleanField(_l("Admit even when the ticket type or event is full"))
    submit = SubmitField(_l("Register at the desk"))


class TicketTypeChangeForm(FlaskForm):
    ticket_type = SelectField(_l("New ticket type"), coerce=int)
    submit = SubmitField(_l("Change ticket type"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Yes, do it"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()],
                     description=_l("UTF-8, with a header row; at most 1 MB."))
    ignore_capacity = BooleanField(_l("Admit guests beyond the capacity"))
    notify = BooleanField(_l("Email each guest the link to their registration"), default=True)
    submit = SubmitField(_l("Import guests"))
