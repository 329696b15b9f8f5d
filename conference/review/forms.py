"""The review form: one 1..5 score per criterion of the event, and a comment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

SCORE_CHOICES = [SelectChoice(n, str(n)) for n in range(1, 6)]


def review_form_class(criteria):
    """A form class with a ``criterion_<id>`` field per criterion."""

    class ReviewForm(FlaskForm):
        comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])
        submit = SubmitField(_l("Submit review"))

    for criterion in criteria:
        setattr(ReviewForm, f"criterion_{criterion.id}", RadioField(
            criterion.name, choices=SCORE_CHOICES, coerce=int,
            description=criterion.description or None,
            validators=[DataRequired(message=_l("Give a score from 1 to 5."))]))
    return ReviewForm
