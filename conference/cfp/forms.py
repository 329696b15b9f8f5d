"""Forms of the public call for proposals and the speakers' private pages."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from conference.fields import DateTimeLocalField, SelectField
from conference.models import ProposalState, SessionType

#: In a context of their own: "Confirmed" and "Not accepted" also name registration states,
#: and languages such as Polish need another grammatical gender for a proposal.
PROPOSAL_STATE_LABELS = {
    ProposalState.SUBMITTED: lazy_pgettext("proposal state", "Submitted"),
    ProposalState.UNDER_REVIEW: lazy_pgettext("proposal state", "Under review"),
    ProposalState.ACCEPTED: lazy_pgettext("proposal state", "Accepted"),
    ProposalState.REJECTED: lazy_pgettext("proposal state", "Not accepted"),
    ProposalState.CONFIRMED: lazy_pgettext("proposal state", "Confirmed"),
    ProposalState.DECLINED: lazy_pgettext("proposal state", "Declined by the speaker"),
    ProposalState.WITHDRAWN: lazy_pgettext("proposal state", "Withdrawn"),
}

SESSION_TYPE_LABELS = {
    SessionType.KEYNOTE: _l("Keynote"),
    SessionType.TALK: _l("Talk"),
    SessionType.PANEL: _l("Panel"),
    SessionType.WORKSHOP: _l("Workshop"),
    SessionType.POSTER: _l("Poster"),
    SessionType.BREAK: _l("Break"),
    SessionType.NETWORKING: _l("Networking"),
}

LANGUAGE_CHOICES = [SelectChoice("en", _l("English")), SelectChoice("pl", _l("Polish"))]


def parse_emails(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


class ProposalFieldsMixin:
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    abstract = TextAreaField(
        _l("Abstract"), description=_l("Markdown: *emphasis*, **bold**, lists and links."),
        validators=[DataRequired(), Length(max=10000)])
    session_type = SelectField(_l("Session type"), validators=[DataRequired()])
    track = SelectField(_l("Track"), validators=[Optional()])
    duration = IntegerField(_l("Duration (minutes)"),
                            validators=[DataRequired(), NumberRange(min=5, max=480)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="en")
    notes = TextAreaField(_l("Notes to the organizers"),
                          description=_l("Not shown publicly."),
                          validators=[Optional(), Length(max=5000)])
    co_speakers = TextAreaField(
        _l("Co-speakers' email addresses"),
        description=_l("One per line; each gets their own link to confirm."),
        validators=[Optional(), Length(max=2000)])

    def validate_co_speakers(self, field):
        for address in parse_emails(field.data):
            try:
                validate_email(address, check_deliverability=False)
            except EmailNotValidError as error:
                raise ValidationError(_l("Not an email address: %(a)s", a=address)) from error


class ProfileFieldsMixin:
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    affiliation = StringField(_l("Affiliation"), validators=[Optional(), Length(max=200)])
    biography = TextAreaField(_l("Short biography"), description=_l("Markdown."),
                              validators=[Optional(), Length(max=5000)])
    photo = FileField(_l("Photo"), description=_l("JPEG, PNG or WebP, at most 5 MB."))
    links = TextAreaField(_l("Links"), description=_l("One web address per line."),
                          validators=[Optional(), Length(max=2000)])


class ProposalForm(ProposalFieldsMixin, ProfileFieldsMixin, FlaskForm):
    email = EmailField(_l("Your email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Submit proposal"))


class ProposalEditForm(ProposalFieldsMixin, FlaskForm):
    submit = SubmitField(_l("Save changes"))


class ProfileForm(ProfileFieldsMixin, FlaskForm):
    remove_photo = BooleanField(_l("Remove my photo"))
    submit = SubmitField(_l("Save profile"))


class UnavailabilityForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("From"), validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Until"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add"))


def fill_choices(form, session_types, tracks) -> None:
    """Choices offered by the event's call."""
    form.session_type.choices = [
        SelectChoice(row.session_type.value, SESSION_TYPE_LABELS[row.session_type])
        for row in session_types
    ]
    form.track.choices = [SelectChoice(str(t.id), t.name) for t in tracks]
    if not tracks:
        form.track.choices = [SelectChoice("", _l("No tracks"))]
