"""Forms of the feedback pages: the attendee's ratings and the organizers' settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from conference.fields import DateTimeLocalField, SelectField
from conference.models import FeedbackOpening
from conference.models.feedback import COMMENT_MAX_LENGTH

#: The words beside each rating.
RATING_LABELS = {
    1: _l("1 – poor"),
    2: _l("2 – fair"),
    3: _l("3 – good"),
    4: _l("4 – very good"),
    5: _l("5 – excellent"),
}

OPENING_LABELS = {
    FeedbackOpening.AFTER_EVENT: _l("When the event is over"),
    FeedbackOpening.AFTER_SESSION: _l("When each session is over (the event: when its last "
                                      "session is over)"),
}


class RatingsForm(FlaskForm):
    """The attendee's ratings; ``ratings_form`` adds a rating and a comment per target."""

    submit = SubmitField(_l("Save my feedback"))


def ratings_form(targets, **kwargs) -> RatingsForm:
    """A form with ``rating_<key>`` and ``comment_<key>`` for each target open for rating.

    The ratings are checked by the service (``parse_rating``), not by the field, so a
    hostile value gets the same clear message as a missing choice.
    """

    class Form(RatingsForm):
        pass

    for target in targets:
        title = target.session.title if target.session is not None else None
        legend = (_l("Your rating of “%(title)s”", title=title) if title is not None
                  else _l("Your rating of the event as a whole"))
        setattr(Form, f"rating_{target.key}", RadioField(
            legend, choices=[SelectChoice(str(value), label)
                             for value, label in RATING_LABELS.items()],
            validate_choice=False, validators=[Optional()]))
        setattr(Form, f"comment_{target.key}", TextAreaField(
            _l("Comment (optional)"),
            description=_l("Shown to the organizers and, for a session, to its speakers, "
                           "never with your name. At most %(max)d characters.",
                           max=COMMENT_MAX_LENGTH),
            validators=[Optional(), Length(max=COMMENT_MAX_LENGTH)],
            render_kw={"maxlength": COMMENT_MAX_LENGTH, "rows": 3}))
    return Form(**kwargs)


class FeedbackSettingsForm(FlaskForm):
    enabled = BooleanField(_l("Ask attendees for feedback"))
    opening = SelectField(_l("Feedback opens"), choices=[
        SelectChoice(opening.value, label) for opening, label in OPENING_LABELS.items()])
    closes_at = DateTimeLocalField(
        _l("Feedback closes"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description=_l("In the event's time zone. Attendees can rate and change their ratings "
                       "until then; speakers see their results afterwards."))
    submit = SubmitField(_l("Save settings"))


class StartExportForm(FlaskForm):
    """The button that starts the feedback workbook (a job): the CSRF token only."""
