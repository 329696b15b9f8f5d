"""Forms of the partnering schedule pages. Every action form carries the schedule version
the page showed, so that a change made meanwhile by someone else is not overwritten."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, SubmitField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from conference.fields import SelectField, TranslatedField
from conference.services.partnering.windows import (
    MAX_SLOT_MINUTES,
    MAX_TABLES,
    MIN_SLOT_MINUTES,
)
from conference.urls import MAX_DATABASE_ID

_UNPLACE = _l("Unplace the meetings in slots that disappear")


class WindowForm(FlaskForm):
    name = TranslatedField(_l("Name"), max_length=200, required=True,
                           description=_l("For example “Brokerage session 1”."))
    day = SelectField(_l("Day"), validators=[InputRequired()])
    start = TimeField(_l("Starts at (event time)"), validators=[InputRequired()])
    end = TimeField(_l("Ends at (event time)"), validators=[InputRequired()])
    breaks = StringField(_l("Breaks"), validators=[Optional(), Length(max=500)],
                         description=_l("Event time, for example “11:00-11:20, 12:30-13:00”."))
    unplace = BooleanField(_UNPLACE)
    submit = SubmitField(_l("Save window"))


class DeleteWindowForm(FlaskForm):
    unplace = BooleanField(_UNPLACE)
    submit = SubmitField(_l("Delete window"))


class TableSettingsForm(FlaskForm):
    table_count = IntegerField(_l("Number of tables"), validators=[
        InputRequired(), NumberRange(min=1, max=MAX_TABLES)])
    slot_minutes = IntegerField(_l("Meeting length (minutes)"), validators=[
        InputRequired(), NumberRange(min=MIN_SLOT_MINUTES, max=MAX_SLOT_MINUTES)])
    unplace = BooleanField(_l("Unplace the meetings that lose their slot or table"))
    submit = SubmitField(_l("Save tables and slot length"))


class VersionForm(FlaskForm):
    """Run or publish: only the version (and the CSRF token)."""

    version = HiddenField()


class MeetingActionForm(FlaskForm):
    """Lock, unlock or unplace one meeting."""

    version = HiddenField()
    meeting_id = HiddenField()


class MoveForm(FlaskForm):
    version = HiddenField()
    meeting_id = HiddenField()
    slot = SelectField(_l("Slot"), validators=[InputRequired()])
    table = IntegerField(_l("Table"), validators=[InputRequired(),
                                                  NumberRange(min=1, max=MAX_TABLES)])
    submit = SubmitField(_l("Move"))


class SwapForm(FlaskForm):
    version = HiddenField()
    meeting_id = HiddenField()
    other = IntegerField(_l("Swap with meeting no."), validators=[
        InputRequired(), NumberRange(min=1, max=MAX_DATABASE_ID)])
    submit = SubmitField(_l("Swap"))


class AvailabilityForm(FlaskForm):
    """The checklist itself is rendered by hand (one checkbox per slot)."""

    submit = SubmitField(_l("Save my availability"))
