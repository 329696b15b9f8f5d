"""Form fields shared by the blueprints' forms, where typed input enters.

Dates and times are limited to ``conference.inputs.SANE_YEARS``: WTForms reads
``0001-01-01T00:00`` or ``9999-12-31T23:59`` happily, and converting such a moment to UTC
(or to an event's time zone) overflows. Outside the range the field has no data and one
clear error.
"""

from __future__ import annotations

import wtforms
import wtforms.utils
from flask_babel import lazy_gettext as _l

from conference.content import (
    LocalizedText,
    configured_content_languages,
    language_name,
    languages_for_forms,
)
from conference.inputs import SANE_YEARS, is_sane_date

OUT_OF_RANGE = _l("Enter a date between the years %(first)s and %(last)s.",
                  first=SANE_YEARS[0], last=SANE_YEARS[-1])


class _SaneDates:
    out_of_range = False

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.out_of_range = self.data is not None and not is_sane_date(self.data)
        if self.out_of_range:
            self.data = None

    def post_validate(self, form, validation_stopped):
        # After the validators: DataRequired() would replace an earlier message with
        # "This field is required." (the data is None), which is not the reason.
        super().post_validate(form, validation_stopped)
        if self.out_of_range:
            self.errors[:] = [str(OUT_OF_RANGE)]


class DateTimeLocalField(_SaneDates, wtforms.DateTimeLocalField):
    """``<input type="datetime-local">`` within ``SANE_YEARS``."""


class DateField(_SaneDates, wtforms.DateField):
    """``<input type="date">`` within ``SANE_YEARS``."""


class SelectField(wtforms.SelectField):
    """A select whose blank-looking answer (``"\\r\\n"``, ``" "``) is no answer: with
    ``Optional()`` WTForms would otherwise accept it although it is none of the choices,
    and the view would then read it as a choice (``int("\\r\\n")``)."""

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str) and not valuelist[0].strip():
            valuelist = ["", *valuelist[1:]]
        super().process_formdata(valuelist)


class MultiCheckboxField(wtforms.SelectMultipleField):
    """Several choices as checkboxes (the forms macro renders it as a fieldset)."""

    widget = wtforms.widgets.ListWidget(prefix_label=False)
    option_widget = wtforms.widgets.CheckboxInput()


class TranslatedField(wtforms.Field):
    """An organizer's text with one input per content language (``LocalizedText``).

    The inputs are named ``<field>-<language>`` and shown side by side for the languages of
    the request's event (``conference.content.languages_for_forms``), the default first; an
    input left empty while another has text is marked "missing translation". Values of
    languages the form does not show (a language taken out of the event) are kept.
    ``required`` means: a text in the event's default language.
    """

    widget_type = "input"

    def __init__(self, label=None, validators=None, max_length: int | None = None,
                 multiline: bool = False, required: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.max_length = max_length
        self.multiline = multiline
        self.required = required
        if required:
            self.flags.required = True
        self.languages = languages_for_forms()
        self.data = LocalizedText()

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def process_data(self, value):
        self.data = LocalizedText(value) if value else LocalizedText()

    def process_formdata(self, valuelist):
        pass  # the inputs are read per language in ``process``

    def process(self, formdata, data=wtforms.utils.unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        self.data = LocalizedText(self.data) if self.data else LocalizedText()
        if formdata is None:
            return
        posted = {code: formdata.get(f"{self.name}-{code}")
                  for code in configured_content_languages()}
        posted = {code: value for code, value in posted.items() if value is not None}
        if not posted and formdata.get(self.name) is not None:
            # A plain ``<field>`` (a script, an older form) is the default language's text.
            posted = {self.default_language: formdata.get(self.name)}
        if not posted:
            return
        # Languages not shown keep their texts; an old all-language text gives way to the
        # texts now typed for each shown language (the others fall back to the default's).
        values = self.data.translations()
        values.pop("", None)
        for code, value in posted.items():
            values[code] = value.replace("\r\n", "\n").strip()
        ordered = {code: values[code] for code in self.languages if code in values}
        ordered.update({code: value for code, value in values.items() if code not in ordered})
        self.data = LocalizedText(ordered)

    def value_for(self, language: str) -> str:
        return self.data.exact(language) if self.data is not None else ""

    def missing_languages(self) -> list[str]:
        return self.data.missing(self.languages) if self.data is not None else []

    def pre_validate(self, form):
        for code, value in self.data.translations().items():
            if any(not ch.isprintable() and ch not in "\n\t" for ch in value):
                # NUL and the like: PostgreSQL refuses them, and no organizer means them.
                raise wtforms.validators.StopValidation(
                    str(_l("%(language)s: remove the control characters from this text.",
                           language=language_name(code) if code else "*")))
        if self.required and not self.data.exact(self.default_language):
            raise wtforms.validators.StopValidation(
                str(_l("Enter this text at least in %(language)s.",
                       language=language_name(self.default_language))))
        if self.max_length:
            for code in self.languages:
                if len(self.value_for(code)) > self.max_length:
                    raise wtforms.validators.ValidationError(
                        str(_l("%(language)s: at most %(max)d characters.",
                               language=language_name(code), max=self.max_length)))

    def _value(self):
        return str(self.data or "")

    def __call__(self, **kwargs):  # rendered by the form macro, one input per language
        raise TypeError("render TranslatedField with the translated_field macro")
