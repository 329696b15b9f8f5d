"""Attendee forms: registration (with the event's questions), editing, lost link."""

from __future__ import annotations

import functools

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from conference.content import language_name
from conference.fields import MultiCheckboxField
from conference.models import Question, QuestionKind
from conference.services.registration.attendee_input import (
    LIMITS,
    LONG_ANSWER_LIMIT,
    SHORT_ANSWER_LIMIT,
    AttendeeDetails,
    country_codes,
)


def country_choices() -> list[SelectChoice]:
    """Countries named in the reader's language, sorted by name."""
    return [SelectChoice("", _l("— choose —"))] + [
        SelectChoice(code, name) for code, name in _countries(str(get_locale()))]


@functools.lru_cache(maxsize=8)
def _countries(locale: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(locale).territories
    pairs = ((code, names.get(code, name)) for code, name in country_codes().items())
    return tuple(sorted(pairs, key=lambda pair: pair[1]))


class DetailsForm(FlaskForm):
    """The personal fields, shared by registering and editing."""

    first_name = StringField(_l("First name"), description=_l("As printed on your badge."),
                             validators=[DataRequired(), Length(max=LIMITS["first_name"])])
    last_name = StringField(_l("Last name"),
                            validators=[DataRequired(), Length(max=LIMITS["last_name"])])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=LIMITS["email"])])
    organization = StringField(_l("Organization"),
                               validators=[Optional(), Length(max=LIMITS["organization"])])
    job_title = StringField(_l("Job title"),
                            validators=[Optional(), Length(max=LIMITS["job_title"])])
    country = SelectField(_l("Country"), validate_choice=False)
    phone = StringField(_l("Phone (optional)"),
                        validators=[Optional(), Length(max=LIMITS["phone"])])

    def details(self, locale: str) -> AttendeeDetails:
        return AttendeeDetails(
            first_name=self.first_name.data or "", last_name=self.last_name.data or "",
            email=self.email.data or "", organization=self.organization.data or "",
            job_title=self.job_title.data or "", country=self.country.data or "",
            phone=self.phone.data or "", locale=locale,
        )

    def answers(self, questions: list[Question]) -> dict[int, str | list[str]]:
        result = {}
        for question in questions:
            data = self[f"q_{question.id}"].data
            if question.kind is QuestionKind.CHECKBOX:
                data = "yes" if data else ""
            result[question.id] = data if data is not None else ""
        return result


class RegistrationForm(DetailsForm):
    ticket_type = RadioField(_l("Ticket"), validators=[InputRequired()], validate_choice=False)
    access_code = HiddenField()
    privacy_consent = BooleanField(_l("I accept the privacy policy"))
    consent_public_list = BooleanField(
        _l("Show my name and organization in the public list of participants"))
    consent_news = BooleanField(_l("Send me news about future events"))
    #: Offered when the event lists organisation types (funder reports); choices per event.
    organisation_type = SelectField(_l("Type of organisation"), validate_choice=False)
    join_waitlist = BooleanField(_l("If my ticket is sold out, put me on the waiting list"),
                                 default=True)
    submit = SubmitField(_l("Register"))


class EditForm(DetailsForm):
    submit = SubmitField(_l("Save changes"))


class LostLinkForm(FlaskForm):
    email = EmailField(_l("Email you registered with"),
                       validators=[DataRequired(), Length(max=LIMITS["email"])])
    submit = SubmitField(_l("Send me the link"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Yes, cancel my registration"))


def _question_field(question: Question) -> Field:
    validators = [InputRequired()] if question.required else [Optional()]
    label = question.label
    help_text = question.help_text or None
    choices = [SelectChoice(value, label) for value, label in question.choice_labels()]
    kind = question.kind
    if kind is QuestionKind.SHORT_TEXT:
        return StringField(label, description=help_text,
                           validators=[*validators, Length(max=SHORT_ANSWER_LIMIT)])
    if kind is QuestionKind.LONG_TEXT:
        return TextAreaField(label, description=help_text,
                             validators=[*validators, Length(max=LONG_ANSWER_LIMIT)])
    if kind is QuestionKind.SINGLE_CHOICE:
        return RadioField(label, description=help_text, choices=choices,
                          validators=validators, validate_choice=False)
    if kind is QuestionKind.MULTIPLE_CHOICE:
        return MultiCheckboxField(label, description=help_text, choices=choices,
                                  validators=[Optional()], validate_choice=False)
    return BooleanField(label, description=help_text,
                        validators=[DataRequired()] if question.required else [])


def form_with_questions(base: type[FlaskForm], questions: list[Question]) -> type[FlaskForm]:
    """A subclass of ``base`` with one field ``q_<id>`` per question, in order."""

    class WithQuestions(base):
        pass

    for question in questions:
        setattr(WithQuestions, f"q_{question.id}", _question_field(question))
    return WithQuestions


class PersonLanguageForm(FlaskForm):
    """An attendee's or speaker's language: their emails, badge and private page use it."""

    language = SelectField(_l("Language of my emails and badge"), validators=[InputRequired()])
    submit = SubmitField(_l("Save language"))

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, language_name(code)) for code in languages]
