"""Form fields shared by the blueprints' forms, where typed input enters.

Dates and times are limited to ``conference.inputs.SANE_YEARS``: WTForms reads
``0001-01-01T00:00`` or ``9999-12-31T23:59`` happily, and converting such a moment to UTC
(or to an event's time zone) overflows. Outside the range the field has no data and one
clear error.
"""

from __future__ import annotations

import wtforms
from flask_babel import lazy_gettext as _l

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
