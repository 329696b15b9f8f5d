"""Forms of the translation spreadsheets page (``conference.manage.translations``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, SubmitField
from wtforms.validators import InputRequired

from conference.content import language_name
from conference.services.translations.spreadsheet import MAX_FILE_BYTES


class TranslationExportForm(FlaskForm):
    """Sent with GET (a download), so without a CSRF token."""

    class Meta:
        csrf = False

    lang = SelectField(_l("Translate into"), validators=[InputRequired()])
    submit = SubmitField(_l("Download the spreadsheet"))

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lang.choices = [SelectChoice(code, language_name(code)) for code in languages]


class TranslationImportForm(FlaskForm):
    file = FileField(_l("Translated spreadsheet (.xlsx)"), validators=[FileRequired()],
                     description=_l("The file downloaded here, with the translation column "
                                    "filled in; at most %(mb)d MB.",
                                    mb=MAX_FILE_BYTES // (1024 * 1024)))
    apply_changed_sources = BooleanField(
        _l("Also apply translations whose original text changed since the download"))
    preview = BooleanField(_l("Only check the file (change nothing)"))
    submit = SubmitField(_l("Upload translations"))
