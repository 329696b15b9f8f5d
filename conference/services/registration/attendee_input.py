"""What an attendee types, checked and normalised: names, email, country, phone, answers.

Kept apart from the capacity rules in ``registration.py`` (which re-exports these names).
Names accept every script (``Łukasz Żółkiewski-Wąsowicz``, ``O'Brien``, ``李小龙``); every
field has a length limit that matches its column.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, replace

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from conference.extensions import db
from conference.models import Event, Question, QuestionKind
from conference.services import DomainError
from conference.services.names import InvalidName, clean_person_name

#: Field limits (characters), the same as the columns of Registration.
LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "organization": 200,
    "job_title": 200,
    "phone": 40,
}
SHORT_ANSWER_LIMIT = 300
LONG_ANSWER_LIMIT = 4000
PHONE_CHARACTERS = set("0123456789 +-()./")
#: The value stored for a ticked checkbox question.
CHECKED = "yes"


class RegistrationError(DomainError):
    """Base of every refusal of the registration rules."""

    code = "registration_error"


class InvalidDetails(RegistrationError):
    """A personal field is missing, too long or malformed; ``details["field"]`` names it."""

    code = "invalid_details"


class InvalidAnswer(RegistrationError):
    """An answer does not fit its question; ``details["question_id"]`` names it and
    ``details["reason"]`` says why: required, choice, too_long, invalid or unknown."""

    code = "invalid_answer"


@dataclass
class AttendeeDetails:
    """The personal fields of a registration, as typed (``clean_details`` normalises them)."""

    first_name: str
    last_name: str
    email: str
    organization: str = ""
    job_title: str = ""
    country: str = ""
    phone: str = ""
    locale: str = "en"


def _has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch).startswith("C") for ch in value)


def _clean_text(field: str, value: str | None, *, required: bool = False) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise InvalidDetails(f"{field} is required", field=field)
    if len(value) > LIMITS[field]:
        raise InvalidDetails(f"{field} is too long", field=field)
    if _has_control_characters(value):
        raise InvalidDetails(f"{field} contains control characters", field=field)
    return value


def clean_name(field: str, value: str | None) -> str:
    """A first or last name, by the one rule for every person's name
    (``conference.services.names``)."""
    try:
        return clean_person_name(value, field=field, max_length=LIMITS[field])
    except InvalidName as error:
        raise InvalidDetails(error.message, field=field) from error


def normalise_email(value: str | None) -> str:
    """The address validated (syntax only, no DNS) and lower-cased; raises InvalidDetails."""
    value = (value or "").strip()
    if not value or len(value) > LIMITS["email"]:
        raise InvalidDetails("email is missing or too long", field="email")
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidDetails(str(error), field="email") from error
    return result.normalized.lower()


#: Two-letter CLDR territories that are not countries (unions, reserved or outlying codes).
NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB",
                 "ZZ"}


def country_codes() -> dict[str, str]:
    """ISO 3166-1 alpha-2 codes (and XK, Kosovo) with their English names."""
    return {code: name for code, name in Locale("en").territories.items()
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES}


#: Languages whose country names imports understand besides the codes.
COUNTRY_NAME_LANGUAGES = ("en", "pl")


def country_from_text(text: str) -> str:
    """The code of a country given as a code ("pl") or a name in English or Polish
    ("Poland", "polska", "Niemcy"), ignoring case; other text is returned trimmed (and
    refused by ``clean_details``)."""
    text = " ".join((text or "").split())
    if text.upper() in country_codes():
        return text.upper()
    return _codes_by_name().get(text.casefold(), text)


@functools.cache
def _codes_by_name() -> dict[str, str]:
    codes = country_codes()
    found: dict[str, str] = {}
    for language in COUNTRY_NAME_LANGUAGES:
        for code, name in Locale(language).territories.items():
            if code in codes:
                found.setdefault(name.casefold(), code)
    return found


def clean_details(details: AttendeeDetails) -> AttendeeDetails:
    """Validated, trimmed, normalised details; raises InvalidDetails naming the field."""
    country = (details.country or "").strip().upper()
    if country and country not in country_codes():
        raise InvalidDetails("unknown country", field="country")
    phone = _clean_text("phone", details.phone)
    if phone and not (set(phone) <= PHONE_CHARACTERS and any(ch.isdigit() for ch in phone)):
        raise InvalidDetails("phone may contain digits, spaces and + - ( ) . /", field="phone")
    languages = current_app.config["LANGUAGES"]
    return replace(
        details,
        first_name=clean_name("first_name", details.first_name),
        last_name=clean_name("last_name", details.last_name),
        email=normalise_email(details.email),
        organization=_clean_text("organization", details.organization),
        job_title=_clean_text("job_title", details.job_title),
        country=country,
        phone=phone,
        locale=details.locale if details.locale in languages else languages[0],
    )


def active_questions(event: Event) -> list[Question]:
    """The questions currently asked on the event's form, in order."""
    return list(db.session.execute(
        db.select(Question)
        .where(Question.event_id == event.id, Question.active.is_(True))
        .order_by(Question.position, Question.id)
    ).scalars())


def _answer_value(question: Question, raw) -> str:
    """One answer checked against its question's kind, as stored (choices newline-joined)."""
    if raw is None:
        raw = [] if question.kind is QuestionKind.MULTIPLE_CHOICE else ""
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        values = [raw] if isinstance(raw, str) else list(raw)
        values = [str(v).strip() for v in values if str(v).strip()]
        if any(v not in question.choices for v in values):
            raise InvalidAnswer("not one of the choices", question_id=question.id, reason="choice")
        return "\n".join(c for c in question.choices if c in values)  # in the question's order
    if not isinstance(raw, str | bool):
        raise InvalidAnswer("one value expected", question_id=question.id, reason="choice")
    if question.kind is QuestionKind.CHECKBOX:
        ticked = raw is True or str(raw).strip().lower() in {"y", "yes", "on", "true", "1"}
        return CHECKED if ticked else ""
    value = str(raw).strip()
    if _has_control_characters(value.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise InvalidAnswer("control characters", question_id=question.id, reason="invalid")
    if question.kind is QuestionKind.SINGLE_CHOICE:
        if value and value not in question.choices:
            raise InvalidAnswer("not one of the choices", question_id=question.id, reason="choice")
    elif question.kind is QuestionKind.SHORT_TEXT:
        value = " ".join(value.split())
        if len(value) > SHORT_ANSWER_LIMIT:
            raise InvalidAnswer("answer too long", question_id=question.id, reason="too_long")
    elif len(value) > LONG_ANSWER_LIMIT:
        raise InvalidAnswer("answer too long", question_id=question.id, reason="too_long")
    return value


def clean_answers(event: Event, answers: dict) -> dict[int, str]:
    """Answers to the event's active questions, validated by kind; required ones enforced.

    Returns ``{question_id: stored value}`` for every active question ("" when unanswered).
    """
    questions = active_questions(event)
    known = {q.id for q in questions}
    for question_id in answers:
        if question_id not in known:
            raise InvalidAnswer("no such question", question_id=question_id, reason="unknown")
    cleaned = {}
    for question in questions:
        value = _answer_value(question, answers.get(question.id))
        if question.required and not value:
            raise InvalidAnswer("answer required", question_id=question.id, reason="required")
        cleaned[question.id] = value
    return cleaned
