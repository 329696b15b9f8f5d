"""Attendee partnering forms: the profile (with its offers and requests), the directory
filters, a request's message, a decline or cancel reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from conference.fields import MultiCheckboxField, SelectField
from conference.models.partnering import (
    DESCRIPTION_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NEED_TEXT_MAX_LENGTH,
    REASON_MAX_LENGTH,
)
from conference.services.partnering.profiles import NEEDS_MAX, ProfileInput

#: The two lists of needs on the form: field-name prefix, legend of one row.
NEED_LISTS = {
    "offer": _l("Offer %(number)d"),
    "request": _l("Request %(number)d"),
}


class ProfileForm(FlaskForm):
    """The partnering profile. Needs are rows ``<kind>_type_<i>`` / ``<kind>_text_<i>``
    (i < NEEDS_MAX); the page shows the filled ones and a few empty ones."""

    organisation_type = SelectField(_l("Type of organisation"), validate_choice=False)
    country = SelectField(_l("Country of the organisation"), validate_choice=False)
    sectors = MultiCheckboxField(_l("Sectors"), validate_choice=False,
                                 validators=[Optional()])
    description = TextAreaField(
        _l("About your organisation"),
        description=_l("A few sentences other participants read before asking to meet "
                       "you (at most %(max)d characters).", max=DESCRIPTION_MAX_LENGTH),
        render_kw={"maxlength": DESCRIPTION_MAX_LENGTH, "rows": 5})
    submit = SubmitField(_l("Save my partnering profile"))

    def profile_input(self) -> ProfileInput:
        return ProfileInput(
            organisation_type=self.organisation_type.data or "",
            country=self.country.data or "", sectors=list(self.sectors.data or []),
            description=self.description.data or "",
            offers=self.need_pairs("offer"), requests=self.need_pairs("request"))

    def need_pairs(self, kind: str) -> list[tuple[str, str]]:
        return [(self[f"{kind}_type_{i}"].data or "", self[f"{kind}_text_{i}"].data or "")
                for i in range(NEEDS_MAX)]

    def need_rows(self, kind: str, shown: int) -> list[tuple]:
        """(number, type field, text field) of the first ``shown`` rows of ``kind``."""
        return [(i + 1, self[f"{kind}_type_{i}"], self[f"{kind}_text_{i}"])
                for i in range(min(shown, NEEDS_MAX))]


for _kind in NEED_LISTS:
    for _i in range(NEEDS_MAX):
        setattr(ProfileForm, f"{_kind}_type_{_i}",
                SelectField(_l("Cooperation type"), validate_choice=False))
        setattr(ProfileForm, f"{_kind}_text_{_i}",
                StringField(_l("What exactly"),
                            render_kw={"maxlength": NEED_TEXT_MAX_LENGTH}))


class RequestForm(FlaskForm):
    message = TextAreaField(
        _l("Message (optional)"),
        description=_l("Why you would like to meet (at most %(max)d characters).",
                       max=MESSAGE_MAX_LENGTH),
        render_kw={"maxlength": MESSAGE_MAX_LENGTH, "rows": 3})
    submit = SubmitField(_l("Send a meeting request"))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), render_kw={"maxlength": REASON_MAX_LENGTH})
