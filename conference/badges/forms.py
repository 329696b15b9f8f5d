from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, HiddenField, SelectChoice, StringField, SubmitField
from wtforms.validators import AnyOf, Length, Optional, Regexp

from conference.fields import SelectField
from conference.models import RegistrationState
from conference.services.badges.core import LAYOUT_LABELS, ROLE_LABELS

STATE_LABELS = {
    RegistrationState.CONFIRMED: _l("Confirmed"),
    RegistrationState.PENDING: _l("Pending"),
    RegistrationState.WAITLISTED: _l("Waiting list"),
    RegistrationState.CANCELLED: _l("Cancelled"),
    RegistrationState.REJECTED: _l("Rejected"),
}


class BadgeSettingsForm(FlaskForm):
    layout = SelectField(
        _l("Layout"), choices=[SelectChoice(key, label) for key, label in LAYOUT_LABELS.items()]
    )
    double_sided = BooleanField(_l("Double-sided (the back repeats the name)"))
    logo = FileField(
        _l("Event logo"),
        description=_l("PNG, JPEG, GIF or WebP; shown in the badge's top corner."),
        validators=[FileAllowed(["png", "jpg", "jpeg", "gif", "webp"],
                                _l("Upload a PNG, JPEG, GIF or WebP image."))],
    )
    remove_logo = BooleanField(_l("Remove the current logo"))
    submit = SubmitField(_l("Save badge settings"))


class BadgeFilterForm(FlaskForm):
    """Filters of the organizers' badge list (GET: no CSRF token)."""

    class Meta:
        csrf = False

    ticket_type = SelectField(_l("Ticket type"), validators=[Optional()])
    state = SelectField(
        _l("Registration state"),
        choices=[SelectChoice(s.value, label) for s, label in STATE_LABELS.items()],
        default=RegistrationState.CONFIRMED.value, validators=[Optional()],
    )
    role = SelectField(
        _l("Badge role"),
        choices=[SelectChoice("", _l("Any role"))]
        + [SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()],
        validators=[Optional()],
    )
    q = StringField(_l("Search"), description=_l("Name, organization, email or ticket code."),
                    validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Filter"))


class PrintRunForm(FlaskForm):
    """Starts a print run job: "all" confirmed badges, or the list's "selection" (its
    filters travel in hidden fields)."""

    scope = HiddenField(validators=[AnyOf(["all", "selection"])])
    ticket_type = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
    state = HiddenField(validators=[Optional()])
    role = HiddenField(validators=[Optional()])
    q = HiddenField(validators=[Optional(), Length(max=200)])
