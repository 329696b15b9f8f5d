from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, IntegerField, SelectChoice, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from conference.fields import SelectField, TranslatedField
from conference.models import ReleaseRule
from conference.services.certificates.settings import RULE_MAX

RULE_LABELS = {
    ReleaseRule.CHECKED_IN: _l("Checked in at least once"),
    ReleaseRule.DAYS: _l("Present on at least N days"),
    ReleaseRule.SESSIONS: _l("Checked in to at least N workshop sessions"),
}

_IMAGE = FileAllowed(["png", "jpg", "jpeg"], _l("Upload a PNG or JPEG image."))


class CertificateSettingsForm(FlaskForm):
    title = TranslatedField(_l("Title"), max_length=120,
                            description=_l("Empty: “Certificate of attendance”."))
    body = TranslatedField(_l("Text"), max_length=1000, multiline=True,
                           description=_l("A paragraph under the event's name (optional)."))
    signer_name = StringField(_l("Signed by"), validators=[Optional(), Length(max=200)])
    signer_role = TranslatedField(_l("Signer's role"), max_length=200)
    signature = FileField(_l("Signature image"), validators=[_IMAGE],
                          description=_l("PNG or JPEG, at most 5 MB."))
    remove_signature = BooleanField(_l("Remove the current signature"))
    logo = FileField(_l("Certificate logo"), validators=[_IMAGE],
                     description=_l("PNG or JPEG; without one, the event's badge logo is used."))
    remove_logo = BooleanField(_l("Remove the current certificate logo"))
    release_rule = SelectField(_l("Who receives a certificate"),
                               choices=[SelectChoice(r.value, label)
                                        for r, label in RULE_LABELS.items()])
    rule_minimum = IntegerField(_l("N (days or sessions)"), default=1,
                                validators=[InputRequired(), NumberRange(min=1, max=RULE_MAX)])
    submit = SubmitField(_l("Save certificate settings"))


class ActionForm(FlaskForm):
    """A button that starts work (release, ZIP, re-issue, restore): the CSRF token only."""

    submit = SubmitField(_l("Go"))


class RevokeForm(FlaskForm):
    reason = StringField(_l("Reason (organizers only)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Revoke"))
