"""Ticket types and registrations."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.content import LocalizedText, current_language
from conference.extensions import db
from conference.folding import person_search_key
from conference.models.events import Event
from conference.models.types import TranslatedText, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from conference.models.payments import Order

#: Ticket-code alphabet: upper-case letters and digits without look-alikes (0/O, 1/I/L).
TICKET_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#: 18 characters of a 31-letter alphabet carry 89 bits.
TICKET_CODE_LENGTH = 18


def new_ticket_code() -> str:
    """A random code for the badge's QR (about 89 bits)."""
    return "".join(secrets.choice(TICKET_CODE_ALPHABET) for _ in range(TICKET_CODE_LENGTH))


def new_token() -> str:
    """A random secret for a private link (192 bits, URL-safe)."""
    return secrets.token_urlsafe(24)


class BadgeRole(enum.Enum):
    ATTENDEE = "attendee"
    SPEAKER = "speaker"
    ORGANIZER = "organizer"
    STAFF = "staff"
    PRESS = "press"
    PARTNER = "partner"


class RegistrationState(enum.Enum):
    CONFIRMED = "confirmed"
    PENDING = "pending"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


#: States that hold a seat.
SEAT_HOLDING_STATES = (RegistrationState.CONFIRMED, RegistrationState.PENDING)


class PaymentStatus(enum.Enum):
    UNPAID = "unpaid"
    PAID = "paid"
    WAIVED = "waived"


class TicketType(db.Model):
    """A kind of ticket with its own price, capacity, sales window and visibility."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[LocalizedText] = mapped_column(TranslatedText)
    description: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    #: What the ticket includes (meals, workshops, materials), shown on the event page.
    includes: Mapped[LocalizedText] = mapped_column(TranslatedText, default="",
                                                    server_default="")
    price: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(sa.String(3), default="PLN")
    #: VAT on the (gross) price: "23", "8", "5", "0", "zw" (exempt) or "np" (not taxed in
    #: Poland); see ``conference.models.invoices.VAT_RATES``.
    vat_rate: Mapped[str] = mapped_column(sa.String(3), default="23", server_default="23")
    #: Seats for confirmed + pending registrations; None means unlimited.
    capacity: Mapped[int | None]
    sales_open_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sales_close_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Hidden ticket types are offered only with ``access_code`` (speakers, partners, press).
    is_public: Mapped[bool] = mapped_column(default=True)
    access_code: Mapped[str | None] = mapped_column(sa.String(64))
    requires_approval: Mapped[bool] = mapped_column(default=False)
    #: The badge ribbon of people on this ticket type (overridable per registration).
    badge_role: Mapped[BadgeRole] = mapped_column(
        enum_column(BadgeRole), default=BadgeRole.ATTENDEE
    )
    #: False for speaker and staff tickets: they use no seat of the event-wide capacity.
    counts_toward_event_capacity: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship()

    def __repr__(self) -> str:
        return f"<TicketType {self.name}>"


class Registration(db.Model):
    """One person's registration for one event."""

    __table_args__ = (
        # One active registration per email and event, even under parallel requests.
        sa.Index(
            "uq_registration_active_email", "event_id", "email", unique=True,
            postgresql_where=sa.text("state NOT IN ('cancelled', 'rejected')"),
            sqlite_where=sa.text("state NOT IN ('cancelled', 'rejected')"),
        ),
        # A waiting-list number is handed out once per event.
        sa.UniqueConstraint("event_id", "waitlist_seq", name="uq_registration_waitlist_seq"),
        sa.Index("ix_registration_search", "event_id", "search_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    ticket_type_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket_type.id"), index=True)
    state: Mapped[RegistrationState] = mapped_column(enum_column(RegistrationState), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    #: Stored lower-case.
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    organization: Mapped[str] = mapped_column(sa.String(200), default="")
    job_title: Mapped[str] = mapped_column(sa.String(200), default="")
    #: One of the event's organisation types (``FunderReportSettings.organisation_types``,
    #: its default-language line), for the funder's indicators; "" when not asked.
    organisation_type: Mapped[str] = mapped_column(sa.String(100), default="",
                                                   server_default="")
    #: ISO 3166-1 alpha-2.
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    #: Language of the attendee's emails and pages.
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    #: Secret of the private self-service link; never shown to anyone else.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    #: The code in the badge's QR; reissuing replaces it.
    ticket_code: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_ticket_code)
    #: Overrides the ticket type's badge role when set.
    badge_role_override: Mapped[BadgeRole | None] = mapped_column(enum_column(BadgeRole))
    payment_status: Mapped[PaymentStatus] = mapped_column(
        enum_column(PaymentStatus), default=PaymentStatus.UNPAID
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the current state began.
    state_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Place in the event's waiting-list order: a number from ``Event.waitlist_counter``
    #: taken under the seat lock when the registration joined the waiting list, so the
    #: list is in the order the sign-ups committed. None if it never waited.
    waitlist_seq: Mapped[int | None] = mapped_column()
    #: While a waiting-list seat is offered: until when the attendee may take it.
    offer_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    privacy_consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The version label the person accepted (kept as shown then; ``privacy_policy_version_id``
    #: names the published version row when the event has one).
    privacy_policy_version: Mapped[str] = mapped_column(sa.String(40), default="")
    #: The policy version the person saw and accepted; a version with consents cannot be
    #: deleted (RESTRICT), so the consent never loses its text.
    privacy_policy_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("privacy_policy_version.id", ondelete="RESTRICT"), index=True)
    consent_public_list: Mapped[bool] = mapped_column(default=False)
    consent_news: Mapped[bool] = mapped_column(default=False)
    #: Name, organisation and email folded (lower case, no diacritics: ``folding.fold``),
    #: what every search of people matches against; kept up to date by ``refresh_search_key``.
    search_key: Mapped[str] = mapped_column(sa.String(2000), default="")
    #: When the retention rules (or an erasure) anonymised this person; None while the
    #: registration still holds personal data. Set in the same transaction as the
    #: anonymisation itself, so a run that stops half-way leaves no half-anonymised person.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When the sensitive answers (dietary, accessibility) were removed.
    sensitive_removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The order this registration is paid in; None when nothing is owed.
    order_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("payment_order.id", ondelete="SET NULL"), index=True)

    event: Mapped[Event] = relationship()
    ticket_type: Mapped[TicketType] = relationship()
    order: Mapped[Order | None] = relationship(back_populates="registrations")
    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan")
    changes: Mapped[list[RegistrationChange]] = relationship(
        cascade="all, delete-orphan", order_by="RegistrationChange.at"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def refresh_search_key(self) -> None:
        """Recompute ``search_key``; the services call it whenever they write a name,
        organisation or email."""
        self.search_key = person_search_key(
            self.first_name, self.last_name, self.organization, self.email)

    @property
    def badge_role(self) -> BadgeRole:
        return self.badge_role_override or self.ticket_type.badge_role

    @property
    def holds_seat(self) -> bool:
        return self.state in SEAT_HOLDING_STATES

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.email} {self.state.value}>"


class QuestionKind(enum.Enum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    CHECKBOX = "checkbox"


class Question(db.Model):
    """An organizer-defined question on an event's registration form."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    label: Mapped[LocalizedText] = mapped_column(TranslatedText)
    help_text: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    #: Choices of single/multiple-choice questions, one per line in each language; the
    #: n-th line of every language is the same choice. Answers store the choice as written
    #: in the event's default language (``choices``).
    options: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    #: Hidden questions keep their answers but are no longer asked.
    active: Mapped[bool] = mapped_column(default=True)
    #: Answers are sensitive (dietary needs, accessibility): they are removed earlier,
    #: ``RetentionSettings.sensitive_days`` after the event ends.
    sensitive: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    event: Mapped[Event] = relationship()

    def _choices_in(self, language: str | None) -> list[str]:
        text = LocalizedText(self.options).in_language(
            language, self.event.language if self.event else None)
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def choices(self) -> list[str]:
        """The choices as answers store them: in the event's default language."""
        return self._choices_in(self.event.language if self.event else None)

    def choice_labels(self, language: str | None = None) -> list[tuple[str, str]]:
        """``(stored value, label)`` of each choice, labelled in ``language`` (default: the
        page's); a language with fewer lines than the default shows the default's."""
        labels = self._choices_in(language or current_language())
        values = self.choices
        if len(labels) != len(values):
            labels = values
        return list(zip(values, labels, strict=True))

    def answer_label(self, value: str, language: str | None = None) -> str:
        """A stored answer (choices newline-separated) shown in ``language`` (default: the
        page's), choice by choice; an answer given in another language (before the
        default language changed), or a text answer, is matched or kept as it is."""
        if not value or self.kind not in (QuestionKind.SINGLE_CHOICE,
                                          QuestionKind.MULTIPLE_CHOICE):
            return value
        labels = self._choices_in(language or current_language())
        per_language = [self._choices_in(code) for code in
                        [self.event.language, *LocalizedText(self.options).languages()]
                        if code]
        shown = []
        for part in value.splitlines():
            label = part
            for choices in per_language:
                if part in choices and len(choices) == len(labels):
                    label = labels[choices.index(part)]
                    break
            shown.append(label)
        return "\n".join(shown)


class Answer(db.Model):
    """A registration's answer to a question (multiple choices: newline-separated)."""

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("question.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str] = mapped_column(sa.Text, default="")

    question: Mapped[Question] = relationship()


class RegistrationChange(db.Model):
    """One line of a registration's history: who changed what, when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The staff member, or None when the attendee (or the system) made the change.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: e.g. ``registered``, ``state``, ``details``, ``ticket_type``, ``payment``.
    action: Mapped[str] = mapped_column(sa.String(40))
    #: Human-readable summary, e.g. ``waitlisted → confirmed``.
    detail: Mapped[str] = mapped_column(sa.Text, default="")
