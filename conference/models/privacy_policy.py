"""Privacy: an event's privacy policy versions and settings, and the log of personal-data
exports (who saw what)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.content import LocalizedText
from conference.extensions import db
from conference.models.types import TranslatedText, UTCDateTime, utcnow

if TYPE_CHECKING:
    from conference.models.accounts import User
    from conference.models.events import Event


class PrivacyPolicyVersion(db.Model):
    """One published version of an event's privacy policy. Never edited once published:
    a change is a new version, so every consent keeps pointing at the text it accepted."""

    __table_args__ = (sa.UniqueConstraint("event_id", "number",
                                          name="uq_privacy_policy_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    #: 1, 2, 3 ... per event, in the order of publication.
    number: Mapped[int]
    #: The data controller (GDPR art. 13): name, postal address, contact (email or phone).
    controller_name: Mapped[str] = mapped_column(sa.String(200))
    controller_address: Mapped[str] = mapped_column(sa.String(500), default="")
    controller_contact: Mapped[str] = mapped_column(sa.String(254), default="")
    #: The policy text (Markdown) per language; empty where ``url`` points elsewhere.
    text: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    #: An address of the policy per language, for organisations that host their own.
    url: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    published_by: Mapped[User | None] = relationship()


class PrivacySettings(db.Model):
    """An event's privacy switches (one row per event; none means the defaults)."""

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    #: The public participant list at /e/<slug>/participants; off until the organizer
    #: turns it on.
    public_list_enabled: Mapped[bool] = mapped_column(default=False)


class ExportLogEntry(db.Model):
    """One organizer export of personal data: who, when, what, with which filters, how
    many rows. Kept when the user or event goes (their names are copied)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: The account's email when the export ran (the account may be deleted later).
    user_email: Mapped[str] = mapped_column(sa.String(254), default="")
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="SET NULL"), index=True)
    event_slug: Mapped[str] = mapped_column(sa.String(80), default="")
    #: What was exported, a stable key such as ``registrations.csv`` or ``badges.pdf``.
    what: Mapped[str] = mapped_column(sa.String(80))
    #: The filters of the export as ``key=value`` pairs, one per line.
    filters: Mapped[str] = mapped_column(sa.Text, default="")
    #: Number of people (rows) in the export; None when not known (e.g. a PDF of badges
    #: rendered later by a job).
    row_count: Mapped[int | None]

    user: Mapped[User | None] = relationship()
