"""What organizers configure for registration: ticket types, questions, event-wide settings.

Capacity decisions (who gets a seat) stay in ``registration``, ``seats`` and ``waitlist``;
the lists and figures organizers read are in ``registration_admin``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from conference.content import LocalizedText, clean_text, language_name, localized_sort
from conference.extensions import db
from conference.models import (
    VAT_RATES,
    Answer,
    BadgeRole,
    Event,
    Question,
    QuestionKind,
    Registration,
    TicketType,
    WaitlistMode,
)
from conference.services import DomainError

#: Currencies a ticket may be priced in.
CURRENCIES = ("PLN", "EUR")
#: Question kinds that offer a list of choices.
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class RegistrationAdminError(DomainError):
    """An organizer's setting was refused; ``details["field"]`` names the form field."""

    code = "registration_admin_invalid"


class TooFewChoices(RegistrationAdminError):
    code = "too_few_choices"


class OptionsDoNotLineUp(RegistrationAdminError):
    """The languages of a choice question list different numbers of options."""

    code = "options_do_not_line_up"


class InvalidSalesWindow(RegistrationAdminError):
    code = "invalid_sales_window"


class TicketTypeInUse(DomainError):
    """Registrations use the ticket type, so it cannot be deleted; ``details["count"]``."""

    code = "ticket_type_in_use"


class QuestionHasAnswers(DomainError):
    """Registrations answered the question, so it cannot be deleted; ``details["count"]``."""

    code = "question_has_answers"


def _lock(row: TicketType | Question) -> None:
    """Hold ``row`` until the transaction ends (PostgreSQL; SQLite serialises writers).

    A new registration or answer checks its foreign key with a share lock on this row, so
    none can appear between counting them and deleting the row.
    """
    model = type(row)
    db.session.execute(db.select(model.id).where(model.id == row.id).with_for_update())


# --- Ticket types ----------------------------------------------------------------------


@dataclass
class TicketTypeFields:
    """What an organizer sets on a ticket type (instants already in UTC)."""

    name: LocalizedText | str
    description: LocalizedText | str = ""
    #: What the ticket includes, shown on the public event page (translated).
    includes: LocalizedText | str = ""
    price: Decimal = Decimal("0")
    currency: str = "PLN"
    #: One of ``conference.models.VAT_RATES``.
    vat_rate: str = "23"
    capacity: int | None = None
    sales_open_at: dt.datetime | None = None
    sales_close_at: dt.datetime | None = None
    is_public: bool = True
    access_code: str | None = None
    requires_approval: bool = False
    badge_role: BadgeRole = BadgeRole.ATTENDEE
    counts_toward_event_capacity: bool = True
    position: int = 0


def save_ticket_type(event: Event, ticket_type: TicketType | None,
                     fields: TicketTypeFields) -> tuple[TicketType, bool]:
    """Create or update a ticket type; returns it and whether its capacity grew.

    The caller commits and then, when the capacity grew, calls ``promote_waitlist`` so
    that people waiting get the new seats.
    """
    if fields.currency not in CURRENCIES:
        raise RegistrationAdminError(str(_l("Choose PLN or EUR.")), field="currency")
    if fields.vat_rate not in VAT_RATES:
        raise RegistrationAdminError(str(_l("Choose a VAT rate from the list.")),
                                     field="vat_rate")
    if fields.price < 0:
        raise RegistrationAdminError(str(_l("The price cannot be negative.")), field="price")
    if fields.capacity is not None and fields.capacity < 0:
        raise RegistrationAdminError(str(_l("The capacity cannot be negative.")),
                                     field="capacity")
    if (fields.sales_open_at and fields.sales_close_at
            and fields.sales_close_at <= fields.sales_open_at):
        raise InvalidSalesWindow(str(_l("Sales must close after they open.")),
                                 field="sales_close_at")
    own_id = ticket_type.id if ticket_type else -1
    name = clean_text(fields.name)
    names = db.session.execute(
        db.select(TicketType.name).where(TicketType.event_id == event.id,
                                         TicketType.id != own_id)).scalars()
    taken = {value.casefold() for other in names for value in other.translations().values()}
    if any(value.casefold() in taken for value in name.translations().values() if value):
        # Names (in any language) identify ticket types in the guest import.
        raise RegistrationAdminError(str(_l("Another ticket type has this name.")),
                                     field="name")
    access_code = (fields.access_code or "").strip() or None
    if not fields.is_public and not access_code:
        raise RegistrationAdminError(
            str(_l("A ticket type that is not public needs an access code.")),
            field="access_code")
    if access_code:
        clash = db.session.execute(
            db.select(TicketType.id).where(
                TicketType.event_id == event.id, TicketType.access_code == access_code,
                TicketType.id != own_id)
        ).first()
        if clash:
            raise RegistrationAdminError(
                str(_l("Another ticket type of this event uses this access code.")),
                field="access_code")
    if ticket_type is None:
        ticket_type = TicketType(event_id=event.id)
        db.session.add(ticket_type)
        is_new = True
        old_capacity: int | None = None
    else:
        is_new = False
        old_capacity = ticket_type.capacity
    ticket_type.name = name
    ticket_type.description = clean_text(fields.description)
    ticket_type.includes = clean_text(fields.includes)
    ticket_type.price = fields.price
    ticket_type.currency = fields.currency
    ticket_type.vat_rate = fields.vat_rate
    ticket_type.capacity = fields.capacity
    ticket_type.sales_open_at = fields.sales_open_at
    ticket_type.sales_close_at = fields.sales_close_at
    ticket_type.is_public = fields.is_public
    ticket_type.access_code = access_code if not fields.is_public else None
    ticket_type.requires_approval = fields.requires_approval
    ticket_type.badge_role = fields.badge_role
    ticket_type.counts_toward_event_capacity = fields.counts_toward_event_capacity
    ticket_type.position = fields.position
    grew = not is_new and old_capacity is not None and (
        fields.capacity is None or fields.capacity > old_capacity)
    return ticket_type, grew


def ticket_types_of(event: Event) -> list[TicketType]:
    """The event's ticket types in the organizer's order."""
    return list(db.session.execute(
        db.select(TicketType).where(TicketType.event_id == event.id)
        .order_by(TicketType.position, localized_sort(TicketType.name), TicketType.id)
    ).scalars())


def registrations_using(ticket_type: TicketType) -> int:
    """How many registrations, in any state (cancelled and rejected too), are on the type."""
    return db.session.execute(
        db.select(sa.func.count(Registration.id))
        .where(Registration.ticket_type_id == ticket_type.id)
    ).scalar_one()


def delete_ticket_type(ticket_type: TicketType) -> None:
    """Delete a ticket type that no registration uses; raises TicketTypeInUse otherwise.

    Cancelled and rejected registrations count too: they keep their history and their
    ticket type. The event's hidden speaker ticket type may be deleted like any other:
    ``decisions.speaker_ticket_type`` finds it by its role and makes a new one when needed.
    The caller commits.
    """
    _lock(ticket_type)
    count = registrations_using(ticket_type)
    if count:
        raise TicketTypeInUse(
            ngettext("%(num)d registration uses this ticket type, so it cannot be deleted.",
                     "%(num)d registrations use this ticket type, so it cannot be deleted.",
                     count),
            count=count)
    db.session.delete(ticket_type)
    db.session.flush()


# --- Event-wide settings ---------------------------------------------------------------


def save_registration_settings(
    event: Event, *, capacity: int | None, waitlist_mode: WaitlistMode,
    waitlist_offer_hours: int, edit_deadline: dt.datetime | None,
    privacy_policy_version: str, privacy_policy_url: str, requires_payment: bool,
) -> bool:
    """Apply the event-wide registration settings; returns whether the capacity grew.

    The caller commits and then promotes the waiting list when the capacity grew.
    """
    if capacity is not None and capacity < 0:
        raise RegistrationAdminError(str(_l("The capacity cannot be negative.")),
                                     field="capacity")
    if waitlist_offer_hours < 1:
        raise RegistrationAdminError(str(_l("An offer must last at least one hour.")),
                                     field="waitlist_offer_hours")
    if not privacy_policy_version.strip():
        raise RegistrationAdminError(str(_l("Give the privacy policy a version.")),
                                     field="privacy_policy_version")
    old = event.capacity
    event.capacity = capacity
    event.waitlist_mode = waitlist_mode
    event.waitlist_offer_hours = waitlist_offer_hours
    event.edit_deadline = edit_deadline
    event.privacy_policy_version = privacy_policy_version.strip()
    event.privacy_policy_url = privacy_policy_url.strip()
    event.requires_payment = requires_payment
    return old is not None and (capacity is None or capacity > old)


# --- Questions -------------------------------------------------------------------------


def save_question(event: Event, question: Question | None, *, label: LocalizedText | str,
                  help_text: LocalizedText | str, kind: QuestionKind,
                  options: LocalizedText | str, required: bool, position: int,
                  active: bool, sensitive: bool = False) -> Question:
    """Create or update a registration question. Choice questions need two choices.

    Options are kept one per line, trimmed, without blank lines or repeats, per language;
    every language typed must list as many options as the others (the n-th option of each
    language is one choice: answers store it in the event's default language). Answers to a
    ``sensitive`` question (dietary needs, accessibility) are removed earlier than the rest
    of the personal data (``services.privacy.retention``). The caller commits.
    """
    per_language = {code: _option_lines(text)
                    for code, text in LocalizedText(options).translations().items()}
    per_language = {code: lines for code, lines in per_language.items() if lines}
    if kind in CHOICE_KINDS:
        counts = {len(lines) for lines in per_language.values()}
        if not per_language or min(counts) < 2:
            raise TooFewChoices(
                str(_l("A choice question needs at least two options, one per line.")),
                field="options")
        if len(counts) > 1:
            raise OptionsDoNotLineUp(
                str(_l("Give the same number of options in every language (%(counts)s).",
                       counts=", ".join(f"{language_name(code) if code else '*'}: {len(lines)}"
                                        for code, lines in per_language.items()))),
                field="options")
    if question is None:
        question = Question(event_id=event.id)
        db.session.add(question)
    question.label = clean_text(label)
    question.help_text = clean_text(help_text)
    question.kind = kind
    question.options = (LocalizedText({code: "\n".join(lines)
                                       for code, lines in per_language.items()})
                        if kind in CHOICE_KINDS else LocalizedText())
    question.required = required
    question.position = position
    question.active = active
    question.sensitive = sensitive
    return question


def _option_lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def questions_of(event: Event, *, active_only: bool = False) -> list[Question]:
    """The event's questions in form order."""
    query = db.select(Question).where(Question.event_id == event.id)
    if active_only:
        query = query.where(Question.active.is_(True))
    return list(db.session.execute(
        query.order_by(Question.position, Question.id)).scalars())


def answers_to(question: Question) -> int:
    """How many registrations answered the question (an answer cleared to "" is none)."""
    return db.session.execute(
        db.select(sa.func.count()).select_from(Answer)
        .where(Answer.question_id == question.id, Answer.value != "")
    ).scalar_one()


def delete_question(question: Question) -> None:
    """Delete a question nobody answered; raises QuestionHasAnswers otherwise.

    Answers belong to the registrations (exports, the detail page), so a question with
    answers is hidden instead (``active=False``): it keeps them and is no longer asked.
    Empty answers left by an edit go with the question. The caller commits.
    """
    _lock(question)
    count = answers_to(question)
    if count:
        raise QuestionHasAnswers(
            ngettext("%(num)d registration answered this question, so it cannot be deleted.",
                     "%(num)d registrations answered this question, so it cannot be deleted.",
                     count),
            count=count)
    # Explicitly: SQLite does not enforce the foreign key's ON DELETE CASCADE here.
    db.session.execute(db.delete(Answer).where(Answer.question_id == question.id))
    db.session.delete(question)
    db.session.flush()
