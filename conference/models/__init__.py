"""All models, imported here so that Alembic and ``db.create_all`` see every table."""

from conference.models.accounts import Role, User
from conference.models.agenda import (
    AgendaFeed,
    Room,
    SeatBooking,
    Session,
    SessionStatus,
    SessionType,
    StarredSession,
    Track,
)
from conference.models.events import CheckinRule, Event, EventStatus, WaitlistMode
from conference.models.outbox import OutboxMessage, OutboxStatus
from conference.models.registrations import (
    Answer,
    BadgeRole,
    PaymentStatus,
    Question,
    QuestionKind,
    Registration,
    RegistrationChange,
    RegistrationState,
    TicketType,
)
from conference.models.speakers import Speaker, SpeakerUnavailability

__all__ = [
    "AgendaFeed",
    "Answer",
    "BadgeRole",
    "CheckinRule",
    "Event",
    "EventStatus",
    "OutboxMessage",
    "OutboxStatus",
    "PaymentStatus",
    "Question",
    "QuestionKind",
    "Registration",
    "RegistrationChange",
    "RegistrationState",
    "Role",
    "Room",
    "SeatBooking",
    "Session",
    "SessionStatus",
    "SessionType",
    "Speaker",
    "SpeakerUnavailability",
    "StarredSession",
    "TicketType",
    "Track",
    "User",
    "WaitlistMode",
]
