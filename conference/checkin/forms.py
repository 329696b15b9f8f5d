from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class EntranceForm(FlaskForm):
    """Another entrance checkpoint, e.g. "Gate 2"."""

    name = StringField(_l("Name of the entrance"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Add entrance"))
