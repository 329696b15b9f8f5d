"""Forms of the partnering day: a participant's rating of a meeting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from conference.models.partnering import REASON_MAX_LENGTH

RATING_CHOICES = [
    SelectChoice(1, _l("1 – not useful")),
    SelectChoice(2, "2"),
    SelectChoice(3, "3"),
    SelectChoice(4, "4"),
    SelectChoice(5, _l("5 – very useful")),
]


class RatingForm(FlaskForm):
    """One side's rating of a meeting (each meeting's form has its own prefix)."""

    rating = RadioField(_l("How useful was the meeting?"), choices=RATING_CHOICES, coerce=int,
                        validators=[InputRequired(_l("Choose a rating from 1 to 5."))])
    follow_up = BooleanField(_l("We plan a follow-up"))
    comment = TextAreaField(_l("Comment (optional)"),
                            validators=[Length(max=REASON_MAX_LENGTH)])
    submit = SubmitField(_l("Save rating"))

    @classmethod
    def for_meeting(cls, meeting_id: int, rating=None, **kwargs) -> RatingForm:
        """The form of one meeting, filled with the person's earlier rating if any."""
        form = cls(prefix=f"m{meeting_id}", **kwargs)
        if rating is not None and not form.is_submitted():
            form.rating.data = rating.rating
            form.follow_up.data = rating.follow_up
            form.comment.data = rating.comment
        return form


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (start a document job)."""
