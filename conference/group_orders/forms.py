"""The group order form: the contact person, then one row per colleague."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms import Form as PlainForm
from wtforms.validators import InputRequired, Length, Optional

from conference.services.registration.attendee_input import LIMITS

#: Rows shown at first, and at most.
DEFAULT_ROWS = 3
MAX_ROWS = 20


class MemberForm(PlainForm):
    """One colleague; a row left entirely empty is skipped."""

    first_name = StringField(_l("First name"),
                             validators=[Optional(), Length(max=LIMITS["first_name"])])
    last_name = StringField(_l("Last name"),
                            validators=[Optional(), Length(max=LIMITS["last_name"])])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=LIMITS["email"])])
    ticket_type = SelectField(_l("Ticket"), validate_choice=False)

    def is_empty(self) -> bool:
        return not any((field.data or "").strip()
                       for field in (self.first_name, self.last_name, self.email))


class GroupOrderForm(FlaskForm):
    contact_name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=200)])
    contact_email = EmailField(_l("Your email"), validators=[InputRequired(), Length(max=254)],
                               description=_l("The order, its transfer reference and reminders "
                                              "are sent here."))
    contact_organization = StringField(_l("Organization"),
                                       validators=[InputRequired(), Length(max=200)],
                                       description=_l("Every colleague is registered with it."))
    members = FieldList(FormField(MemberForm), min_entries=DEFAULT_ROWS, max_entries=MAX_ROWS)
    privacy_consent = BooleanField(_l("My colleagues and I accept the privacy policy"))
    submit = SubmitField(_l("Register and order"))
