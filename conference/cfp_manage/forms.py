"""Back-office forms of the call for proposals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from conference.cfp.forms import ProfileFieldsMixin, ProposalFieldsMixin
from conference.fields import DateTimeLocalField, TranslatedField


class SessionTypeDurationsForm(Form):
    """One optional duration per session type; empty means not offered."""


class CfpSettingsForm(FlaskForm):
    opens_at = DateTimeLocalField(_l("Opens"), validators=[DataRequired()])
    closes_at = DateTimeLocalField(_l("Closes (deadline)"), validators=[DataRequired()])
    tracks = SelectMultipleField(_l("Tracks offered"), coerce=int, validators=[Optional()])
    guidelines = TranslatedField(_l("Guidelines"),
                                 description=_l("Markdown, shown above the form."),
                                 max_length=20000, multiline=True)
    hide_reviews_until_own = BooleanField(
        _l("Reviewers see other reviews only after submitting their own"), default=True)
    anonymous_review = BooleanField(_l("Anonymous review: hide speaker names and affiliations"))
    submit = SubmitField(_l("Save"))


def settings_form_class(session_types, labels):
    """The settings form with one duration field per session type."""

    class Durations(SessionTypeDurationsForm):
        pass

    for session_type in session_types:
        setattr(Durations, session_type.value, IntegerField(
            labels[session_type],
            validators=[Optional(), NumberRange(min=5, max=480)]))

    class Form_(CfpSettingsForm):
        durations = FormField(Durations, label=_l(
            "Session types offered, with default duration in minutes (empty: not offered)"))

    return Form_


class CriterionForm(FlaskForm):
    name = TranslatedField(_l("Criterion"), required=True, max_length=120)
    description = TranslatedField(_l("Description"), max_length=500)
    submit = SubmitField(_l("Add criterion"))


class AssignmentForm(FlaskForm):
    reviewer = SelectField(_l("Reviewer"), coerce=int)
    track = SelectField(_l("Proposals"))
    submit = SubmitField(_l("Assign"))


class TemplateForm(FlaskForm):
    subject = TranslatedField(_l("Subject"), required=True, max_length=300)
    body = TranslatedField(_l("Text"), required=True, max_length=20000, multiline=True)
    submit = SubmitField(_l("Save template"))


class InviteSpeakerForm(ProfileFieldsMixin, FlaskForm):
    name = StringField(lazy_pgettext("person", "Name"),
                       validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Add invited speaker"))


class OrganizerProposalForm(ProposalFieldsMixin, FlaskForm):
    """The speaker's proposal fields, for organizers (co-speakers are the speaker's to invite)."""

    co_speakers = None
    submit = SubmitField(_l("Save changes"))
