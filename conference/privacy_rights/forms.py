from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from conference.services.privacy.retention import MAX_MONTHS, MAX_SENSITIVE_DAYS


class RetentionForm(FlaskForm):
    months_after_end = IntegerField(
        _l("Months after the event ends"),
        description=_l("Then names, emails, answers and private links are anonymised."),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_MONTHS)])
    sensitive_days_after_end = IntegerField(
        _l("Days after the event ends, for sensitive answers"),
        description=_l("Answers to questions marked sensitive (dietary needs, accessibility)."),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_SENSITIVE_DAYS)])
    automatic = BooleanField(
        _l("Anonymise automatically when due (the daily job)"), default=True)
    submit = SubmitField(_l("Save retention settings"))


class RunNowForm(FlaskForm):
    """Anonymise now, before the retention period is over: the organizer confirms."""

    confirm = BooleanField(_l("I understand that this cannot be undone"),
                           validators=[InputRequired()])
    submit = SubmitField(_l("Anonymise now"))


class ActionForm(FlaskForm):
    """A button (request erasure, confirm it, complete it): the CSRF token only."""

    submit = SubmitField(_l("Go"))


class HoldForm(FlaskForm):
    reason = StringField(_l("Reason (sent to the attendee)"),
                         validators=[InputRequired(), Length(max=500)],
                         description=_l("E.g. an issued invoice that accounting law "
                                        "requires us to keep."))
    submit = SubmitField(_l("Hold"))
