"""All models, imported here so that Alembic and ``db.create_all`` see every table."""

from conference.models.accounts import Role, User
from conference.models.agenda import (
    Room,
    SeatBooking,
    Session,
    SessionStatus,
    SessionType,
    StarredSession,
    Track,
)
from conference.models.checkin import CheckIn, CheckInConflict, Checkpoint, ScanLog
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
    "Answer",
    "BadgeRole",
    "CheckIn",
    "CheckInConflict",
    "CheckinRule",
    "Checkpoint",
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
    "ScanLog",
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
