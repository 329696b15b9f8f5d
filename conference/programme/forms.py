"""Back-office forms of the programme."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from conference.fields import DateField, TranslatedField
from conference.models import SessionType

TYPE_LABELS = {
    SessionType.KEYNOTE: _l("Keynote"),
    SessionType.TALK: _l("Talk"),
    SessionType.PANEL: _l("Panel"),
    SessionType.WORKSHOP: _l("Workshop"),
    SessionType.POSTER: _l("Poster session"),
    SessionType.BREAK: _l("Break"),
    SessionType.NETWORKING: _l("Networking"),
}

LANGUAGE_CHOICES = [
    SelectChoice("en", _l("English")),
    SelectChoice("pl", _l("Polish")),
    SelectChoice("fr", _l("French")),
    SelectChoice("de", _l("German")),
    SelectChoice("es", _l("Spanish")),
]


class RoomForm(FlaskForm):
    name = TranslatedField(_l("Name"), required=True, max_length=120)
    capacity = IntegerField(_l("Capacity (seats)"),
                            validators=[Optional(), NumberRange(min=1, max=100000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save room"))


class TrackForm(FlaskForm):
    name = TranslatedField(_l("Name"), required=True, max_length=120)
    colour = StringField(
        _l("Colour"), default="#1b7f5c",
        description=_l("A hex colour such as #1b7f5c."),
        validators=[DataRequired(), Regexp(r"^#[0-9a-fA-F]{6}$",
                                           message=_l("Use a hex colour such as #1b7f5c."))],
    )
    submit = SubmitField(_l("Save track"))


class SpeakerForm(FlaskForm):
    name = StringField(lazy_pgettext("person", "Name"),
                       validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    affiliation = StringField(_l("Affiliation"), validators=[Optional(), Length(max=200)])
    biography = TextAreaField(_l("Biography (Markdown)"),
                              validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Add speaker"))


class SessionForm(FlaskForm):
    title = TranslatedField(_l("Title"), required=True, max_length=300)
    abstract = TranslatedField(_l("Abstract (Markdown)"), max_length=20000, multiline=True)
    session_type = SelectField(
        _l("Type"), choices=[SelectChoice(t.value, label) for t, label in TYPE_LABELS.items()],
        default=SessionType.TALK.value,
    )
    track = SelectField(_l("Track"), coerce=int, default=0)
    room = SelectField(_l("Room"), coerce=int, default=0)
    day = DateField(_l("Day"), validators=[Optional()],
                    description=_l("Leave day and times empty for an unscheduled session."))
    start_time = TimeField(_l("Starts at (event time)"), validators=[Optional()])
    end_time = TimeField(_l("Ends at (event time)"), validators=[Optional()])
    speakers = SelectMultipleField(_l("Speakers"), coerce=int, validate_choice=True)
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="en")
    seat_capacity = IntegerField(
        _l("Seats to book"), validators=[Optional(), NumberRange(min=1, max=10000)],
        description=_l("Workshops: attendees book one of these seats. Empty: no booking."),
    )
    is_public = BooleanField(_l("Public (shown in the programme)"), default=True)
    confirm_conflicts = BooleanField(_l("Save anyway, despite the conflicts shown above"))
    submit = SubmitField(_l("Save session"))

    def validate_end_time(self, field):
        given = [self.day.data is not None, self.start_time.data is not None,
                 field.data is not None]
        if any(given) and not all(given):
            raise ValidationError(_l("Give the day, start and end, or none of them."))


class MoveForm(FlaskForm):
    room = SelectField(_l("Room"), coerce=int, default=0)
    day = DateField(_l("Day"), validators=[DataRequired()])
    start_time = TimeField(_l("Starts at (event time)"), validators=[DataRequired()])
    end_time = TimeField(_l("Ends at (event time)"), validators=[DataRequired()])
    confirm_conflicts = BooleanField(_l("Move anyway, despite the conflicts shown above"))
    submit = SubmitField(_l("Move session"))
