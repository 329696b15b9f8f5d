from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, SubmitField

from conference.fields import TranslatedField


class ReportSettingsForm(FlaskForm):
    funder_name = TranslatedField(_l("Funder or programme"), max_length=300,
                                  description=_l("Printed under the title of every attendance "
                                                 "sheet."))
    funder_logo = FileField(_l("Funder's logo"),
                            validators=[FileAllowed(["png", "jpg", "jpeg"],
                                                    _l("Upload a PNG or JPEG image."))],
                            description=_l("PNG or JPEG, at most 5 MB. The event's logo is the "
                                           "one set for badges."))
    remove_funder_logo = BooleanField(_l("Remove the funder's logo"))
    organisation_types = TranslatedField(
        _l("Organisation types"), max_length=2200, multiline=True,
        description=_l("One per line, in the same order in every language (e.g. company, "
                       "university, public body, NGO). The registration form asks for one."))
    submit = SubmitField(_l("Save report settings"))


class StartSheetForm(FlaskForm):
    """The button that starts an attendance sheet as PDF (a job): the CSRF token only."""
