"""Certificates of attendance: an event's certificate settings and the issued certificates."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.content import LocalizedText
from conference.extensions import db
from conference.models.types import TranslatedText, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from conference.models.events import Event
    from conference.models.registrations import Registration


class ReleaseRule(enum.Enum):
    """Who gets a certificate when the organizer releases them."""

    CHECKED_IN = "checked_in"  # checked in at least once (entrance or workshop)
    DAYS = "days"  # present on at least N event days
    SESSIONS = "sessions"  # checked in to at least N workshop sessions


def new_public_id() -> str:
    """The certificate's public id: 96 random bits as 16 URL-safe characters (short
    enough to type from paper, far too many to guess or enumerate)."""
    return secrets.token_urlsafe(12)


class CertificateSettings(db.Model):
    """How an event's certificates look and whom they go to (one row per event)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          unique=True)
    #: The heading, e.g. "Certificate of attendance", per language.
    title: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    #: A free paragraph under the attendee's name, per language.
    body: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    signer_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The signer's role, e.g. "Chair of the organizing committee", per language.
    signer_role: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    #: The signature image (a PNG we re-encoded) in UPLOAD_FOLDER/certificates.
    signature_filename: Mapped[str | None] = mapped_column(sa.String(200))
    #: A logo for certificates only; None: the event's badge logo, if any.
    logo_filename: Mapped[str | None] = mapped_column(sa.String(200))
    rule: Mapped[ReleaseRule] = mapped_column(enum_column(ReleaseRule),
                                              default=ReleaseRule.CHECKED_IN)
    #: N of "at least N days / sessions" (1 for CHECKED_IN).
    rule_minimum: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()


class Certificate(db.Model):
    """A certificate of attendance issued to one registration.

    What it certifies is a snapshot taken when it was issued (name, organization, days,
    sessions, hours): later edits to the registration or the programme do not change it.
    The organizer may re-issue it explicitly, which takes a new snapshot and keeps the
    public id (so printed copies still verify).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), unique=True)
    #: The id in the verification URL (``/c/<public_id>``) and the QR code.
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_public_id)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Why it was revoked (shown to organizers only).
    revoke_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    full_name: Mapped[str] = mapped_column(sa.String(210))
    organization: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Event-local dates attended, ISO strings in order.
    days: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Workshop sessions attended: ``{"title": {lang: text}, "starts_at": iso, "minutes": n}``.
    sessions: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Minutes of programme attended (see ``services.certificates.attendance``).
    minutes: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship()
    registration: Mapped[Registration] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    def __repr__(self) -> str:
        return f"<Certificate {self.id} of registration {self.registration_id}>"
