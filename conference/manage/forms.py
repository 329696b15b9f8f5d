import enum
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from conference.content import CONTENT_LANGUAGES, DEFAULT_EVENT_LANGUAGES, language_name
from conference.fields import DateField, MultiCheckboxField, TranslatedField
from conference.models import EventKind, EventStatus, Role, SeatsDisplay

STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft (only organizers see it)"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.CLOSED: _l("Closed (visible, registration closed)"),
    EventStatus.ARCHIVED: _l("Archived"),
}

def _choice_value(value):
    """An enum member (from the edited event) or a posted string, as the choice's value."""
    return value.value if isinstance(value, enum.Enum) else value


KIND_LABELS = {
    EventKind.EDITION: _l("Conference edition"),
    EventKind.WORKSHOP: _l("Workshop"),
    EventKind.TRAINING: _l("Training"),
    EventKind.STUDY_VISIT: _l("Study visit"),
}

SEATS_DISPLAY_LABELS = {
    SeatsDisplay.EXACT: _l("Show the exact number of seats left"),
    SeatsDisplay.FEW_LEFT: _l("Say “few seats left” near the end only"),
    SeatsDisplay.HIDDEN: _l("Do not show seats left (only “sold out”)"),
}

ROLE_LABELS = {
    Role.ORGANIZER: _l("Organizer"),
    Role.DOOR: _l("Door staff"),
    Role.REVIEWER: _l("Reviewer"),
}


class EventForm(FlaskForm):
    name = TranslatedField(_l("Name"), required=True, max_length=200)
    slug = StringField(
        _l("Short name in addresses"),
        description=_l("Lower-case letters, digits and hyphens, e.g. lsos-2026."),
        validators=[
            DataRequired(),
            Length(min=2, max=80),
            Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Use lower-case letters, digits and -.")),
        ],
    )
    # InputRequired, not DataRequired: a date that does not parse gets "Not a valid date
    # value", not a misleading "This field is required".
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    timezone = StringField(_l("Timezone"), default="Europe/Warsaw",
                           validators=[DataRequired(), Length(max=64)])
    venue_name = TranslatedField(_l("Venue"), max_length=200)
    venue_address = StringField(_l("Venue address"), validators=[Optional(), Length(max=300)])
    description = TranslatedField(
        _l("About the event"),
        description=_l("Markdown: **bold**, *italic*, [link text](https://...), - lists."),
        max_length=20000, multiline=True,
    )
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), Email(),
                                                               Length(max=254)])
    pitch = TranslatedField(
        _l("Short pitch"),
        description=_l("One or two sentences under the name; also the text of the card "
                       "shown when the page is shared."),
        max_length=300, multiline=True,
    )
    hero_image = FileField(
        _l("Hero image"),
        description=_l("JPEG, PNG, WebP or GIF, up to 5 MB; wide (1200 × 630 or more) for "
                       "sharing cards."),
    )
    remove_hero_image = BooleanField(_l("Remove the current hero image"))
    kind = SelectField(
        _l("Kind of event"),
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        default=EventKind.EDITION.value, coerce=_choice_value,
    )
    seats_display = SelectField(
        _l("Seats left on the public page"),
        choices=[SelectChoice(m.value, label) for m, label in SEATS_DISPLAY_LABELS.items()],
        default=SeatsDisplay.FEW_LEFT.value, coerce=_choice_value,
    )
    few_seats_threshold = IntegerField(
        _l("“Few seats left” from"), default=10,
        validators=[Optional(), NumberRange(min=1, max=100000)],
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
        default=EventStatus.DRAFT.value,
    )
    language = SelectField(
        _l("Default language"),
        description=_l("Texts missing in a visitor's language are shown in this one. Names the "
                       "system creates for the event (such as the speakers' ticket type and "
                       "the main entrance) are created in every language of the event."),
        choices=[SelectChoice(code, language_name(code)) for code in CONTENT_LANGUAGES],
        default=DEFAULT_EVENT_LANGUAGES[0],
    )
    languages = MultiCheckboxField(
        _l("Languages of the event's content"),
        description=_l("A language taken out keeps its texts; they come back with it."),
        choices=[SelectChoice(code, language_name(code)) for code in CONTENT_LANGUAGES],
        default=list(DEFAULT_EVENT_LANGUAGES),
    )
    submit = SubmitField(_l("Save"))

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def validate_timezone(self, field):
        if field.data not in available_timezones():
            raise ValidationError(_l("Unknown timezone; use a name such as Europe/Warsaw."))


class StaffInviteForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()],
        default=Role.DOOR.value,
    )
    submit = SubmitField(_l("Invite"))


class AddKnownStaffForm(FlaskForm):
    account = SelectField(_l("Staff of your other events"), coerce=int)
    submit = SubmitField(_l("Add to this event"))


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(lazy_pgettext("person", "Name"),
                       validators=[Optional(), Length(max=200)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    is_superuser = BooleanField(_l("Superuser (manages every event and all accounts)"))
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(), Length(min=10, max=200)])
    submit = SubmitField(_l("Create account"))
