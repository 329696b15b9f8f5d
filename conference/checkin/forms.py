from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SubmitField
from wtforms.validators import InputRequired

from conference.fields import TranslatedField

#: The rule choices; "event" (a workshop following the entrances' rule) is added per form.
RULE_CHOICES = [
    SelectChoice("once", _l("Once for the whole event")),
    SelectChoice("daily", _l("Once per day")),
    SelectChoice("unlimited", _l("Unlimited")),
]


class EntranceForm(FlaskForm):
    """Another entrance checkpoint, e.g. "Gate 2"."""

    name = TranslatedField(_l("Name of the entrance"), required=True, max_length=120)
    submit = SubmitField(_l("Add entrance"))


class RuleForm(FlaskForm):
    """How often a badge may pass one checkpoint (for an entrance: all entrances)."""

    rule = SelectField(_l("Check-in rule"), choices=RULE_CHOICES, validators=[InputRequired()])
    submit = SubmitField(_l("Save rule"))

    @classmethod
    def for_checkpoint(cls, checkpoint, **kwargs) -> RuleForm:
        """The form of one checkpoint (the page gives each its own field id); a workshop
        may also follow the event's rule."""
        form = cls(**kwargs)
        if not checkpoint.is_entrance:
            form.rule.choices = [SelectChoice("event", _l("As the entrances"))] + RULE_CHOICES
        if not form.is_submitted():
            own = checkpoint.checkin_rule
            form.rule.data = (checkpoint.rule.value if checkpoint.is_entrance or own
                              else "event")
        return form
