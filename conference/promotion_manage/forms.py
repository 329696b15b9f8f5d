from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, Length, Optional

from conference.fields import MultiCheckboxField, SelectField, TranslatedField
from conference.public.labels import LEVEL_LABELS


class PartnerForm(FlaskForm):
    name = TranslatedField(_l("Name"), required=True, max_length=200)
    level = SelectField(_l("Level"), choices=[
        SelectChoice(level.value, label) for level, label in LEVEL_LABELS.items()])
    url = StringField(_l("Website"), description=_l("https://..."),
                      validators=[Optional(), Length(max=500)])
    logo = FileField(_l("Logo"), description=_l("JPEG, PNG, WebP or GIF, up to 5 MB."))
    remove_logo = BooleanField(_l("Remove the current logo"))
    submit = SubmitField(_l("Save partner"))


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])


class DeleteForm(FlaskForm):
    submit = SubmitField(_l("Delete"))


class ShareForm(FlaskForm):
    featured = MultiCheckboxField(_l("Featured speakers"), coerce=int,
                                  description=_l("Shown with their photos on the event page."))
    highlights = MultiCheckboxField(
        _l("Programme highlights"), coerce=int,
        description=_l("Shown on the event page; without any, the keynotes are shown."))
    widget_origins = TextAreaField(
        _l("Sites allowed to embed the registration widget"),
        description=_l("One address per line, such as https://partner-region.example. "
                       "Empty: any site may embed it."),
        validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))
