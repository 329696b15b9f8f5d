"""Events: each year's edition, a workshop day, a training or a study visit."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.content import LocalizedText
from conference.extensions import db
from conference.models.types import TranslatedText, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from conference.models.accounts import User


class EventStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    ARCHIVED = "archived"


class WaitlistMode(enum.Enum):
    #: The first in line gets the freed seat at once.
    AUTOMATIC = "automatic"
    #: The first in line is offered the seat for ``waitlist_offer_hours``.
    OFFER = "offer"


class EventKind(enum.Enum):
    """What the organisation's events index groups and filters by."""

    EDITION = "edition"
    WORKSHOP = "workshop"
    TRAINING = "training"
    STUDY_VISIT = "study_visit"


class SeatsDisplay(enum.Enum):
    """How the public pages show the seats left of a ticket type."""

    #: "12 seats left".
    EXACT = "exact"
    #: "Few seats left" once at most ``Event.few_seats_threshold`` remain; nothing before.
    FEW_LEFT = "few_left"
    #: Never shown (sold out is still shown).
    HIDDEN = "hidden"


class CheckinRule(enum.Enum):
    ONCE = "once"
    DAILY = "daily"
    UNLIMITED = "unlimited"


event_staff = sa.Table(
    "event_staff",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Event(db.Model):
    """One event with its own registration, programme, badges and check-in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Used in every public URL of the event, e.g. ``/e/lsos-2026/``.
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[LocalizedText] = mapped_column(TranslatedText)
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    #: IANA name; all times of the event are shown in it.
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Warsaw")
    venue_name: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    venue_address: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    #: Language of the names the system creates for the event itself (the "Speaker" ticket
    #: type, the "Main entrance" checkpoint). Polish, the conference's home language, unless
    #: the organizers choose otherwise.
    language: Mapped[str] = mapped_column(sa.String(8), default="pl", server_default="pl")
    #: The languages the event's content is offered in, comma-separated (``pl,en``). The
    #: default ``language`` is always one of them. A language taken out keeps its texts in
    #: the translated columns (hidden, restored when the language comes back).
    languages: Mapped[str] = mapped_column(sa.String(60), default="pl,en", server_default="pl,en")
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus), default=EventStatus.DRAFT
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Registration settings.
    #: Event-wide cap on confirmed + pending registrations; None means no cap.
    capacity: Mapped[int | None]
    waitlist_mode: Mapped[WaitlistMode] = mapped_column(
        enum_column(WaitlistMode), default=WaitlistMode.AUTOMATIC
    )
    waitlist_offer_hours: Mapped[int] = mapped_column(default=48)
    #: The last waiting-list number handed out (``Registration.waitlist_seq``); it is taken
    #: with an UPDATE under the seat lock, so the numbers follow the order of the commits.
    waitlist_counter: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Attendees may edit their badge details until this instant.
    edit_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    privacy_policy_version: Mapped[str] = mapped_column(sa.String(40), default="1")
    privacy_policy_url: Mapped[str] = mapped_column(sa.String(500), default="")
    #: When true, check-in refuses registrations whose payment is still open.
    requires_payment: Mapped[bool] = mapped_column(default=False)

    # Badge and check-in settings.
    badge_layout: Mapped[str] = mapped_column(sa.String(20), default="a6")
    badge_double_sided: Mapped[bool] = mapped_column(default=False)
    #: File name of the logo under the upload folder, if any.
    logo_filename: Mapped[str | None] = mapped_column(sa.String(200))
    checkin_rule: Mapped[CheckinRule] = mapped_column(
        enum_column(CheckinRule), default=CheckinRule.ONCE
    )

    # The public face: event page, sharing cards, the events index and the widget.
    #: One or two sentences under the name; the description of sharing cards.
    pitch: Mapped[LocalizedText] = mapped_column(TranslatedText, default="", server_default="")
    #: File name of the hero image under the upload folder (``promotion.images``), if any.
    hero_filename: Mapped[str | None] = mapped_column(sa.String(200))
    kind: Mapped[EventKind] = mapped_column(
        enum_column(EventKind), default=EventKind.EDITION, server_default="edition"
    )
    seats_display: Mapped[SeatsDisplay] = mapped_column(
        enum_column(SeatsDisplay), default=SeatsDisplay.FEW_LEFT, server_default="few_left"
    )
    #: With ``SeatsDisplay.FEW_LEFT``: "few seats left" from this many down.
    few_seats_threshold: Mapped[int] = mapped_column(default=10, server_default="10")
    #: Origins allowed to frame the registration widget, space-separated
    #: (``https://partner.example``); empty means any site may embed it.
    widget_origins: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")

    staff: Mapped[list[User]] = relationship(
        secondary=event_staff, back_populates="events", order_by="User.email"
    )

    @property
    def content_languages(self) -> list[str]:
        """The event's content languages, its default language first."""
        others = [code for code in (self.languages or "").split(",")
                  if code and code != self.language]
        return [self.language or "pl", *others]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_public(self) -> bool:
        """Visible to anonymous visitors (draft events are not)."""
        return self.status in (EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.ARCHIVED)

    @property
    def days(self) -> list[dt.date]:
        count = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + dt.timedelta(days=i) for i in range(max(count, 0))]

    def local_start(self) -> dt.datetime:
        """The first instant of the first day, in the event's timezone."""
        return dt.datetime.combine(self.starts_on, dt.time.min, tzinfo=self.tz)

    def local_end(self) -> dt.datetime:
        """The first instant after the last day, in the event's timezone."""
        return dt.datetime.combine(self.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=self.tz)

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"
