from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from conference.fields import TranslatedField
from conference.services.privacy.policy import TEXT_MAX


class PublishPolicyForm(FlaskForm):
    controller_name = StringField(_l("Data controller"),
                                  validators=[InputRequired(), Length(max=200)],
                                  description=_l("The organisation responsible for the data."))
    controller_address = TextAreaField(_l("Controller's address"),
                                       validators=[Optional(), Length(max=500)])
    controller_contact = StringField(_l("Contact for data protection"),
                                     validators=[Optional(), Length(max=254)],
                                     description=_l("An email address or phone number."))
    text = TranslatedField(_l("Policy text"), max_length=TEXT_MAX, multiline=True,
                           description=_l("Markdown. Leave empty where you give an address."))
    url = TranslatedField(_l("Policy address"), max_length=500,
                          description=_l("Only if the policy is published elsewhere "
                                         "(https://...)."))
    submit = SubmitField(_l("Publish as a new version"))


class PublicListForm(FlaskForm):
    public_list_enabled = BooleanField(_l("Show the public participant list"),
                                       description=_l("Only attendees who agreed are listed."))
    submit_list = SubmitField(_l("Save"))


class DeleteVersionForm(FlaskForm):
    submit = SubmitField(_l("Delete this version"))


class OptInForm(FlaskForm):
    """The attendee's own choice on their private page."""

    submit = SubmitField(_l("Save"))
