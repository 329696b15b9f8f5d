"""Speakers of an event (from the call for proposals or invited)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.content import LocalizedText
from conference.extensions import db
from conference.models.agenda import Session, SessionType, Track, session_speakers
from conference.models.events import Event
from conference.models.registrations import new_token
from conference.models.types import TranslatedText, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from conference.models.accounts import User

#: Domain of the placeholder email an anonymised speaker keeps (``.invalid`` is reserved:
#: it can never receive mail); the same as the anonymised registrations'.
ANONYMISED_EMAIL_DOMAIN = "anonymised.invalid"


class Speaker(db.Model):
    """A person who speaks at an event, with their public profile."""

    __table_args__ = (sa.UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Stored lower-case; never shown publicly.
    email: Mapped[str] = mapped_column(sa.String(254))
    affiliation: Mapped[str] = mapped_column(sa.String(200), default="")
    biography: Mapped[str] = mapped_column(sa.Text, default="")
    #: File name under the upload folder of the re-encoded photo.
    photo_filename: Mapped[str | None] = mapped_column(sa.String(200))
    #: Newline-separated URLs.
    links: Mapped[str] = mapped_column(sa.Text, default="")
    #: Secret of the speaker's private link.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    is_public: Mapped[bool] = mapped_column(default=True)
    #: Invited by the organizers (shown on the speakers page without a proposal).
    is_invited: Mapped[bool] = mapped_column(default=False)
    #: Shown with the photo on the public event page and named as a performer in its
    #: schema.org data.
    is_featured: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Language of the speaker's emails.
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")

    event: Mapped[Event] = relationship()
    sessions: Mapped[list[Session]] = relationship(
        secondary=session_speakers, back_populates="speakers"
    )
    unavailability: Mapped[list[SpeakerUnavailability]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan",
        order_by="SpeakerUnavailability.starts_at",
    )

    @property
    def is_anonymised(self) -> bool:
        """The retention rules (or an erasure) removed this speaker's personal data; the
        row stays so that sessions and proposals still count them."""
        return self.email.endswith("@" + ANONYMISED_EMAIL_DOMAIN)


class SpeakerUnavailability(db.Model):
    """A span of time in which a speaker cannot speak (used by the conflict checks)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("speaker.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    speaker: Mapped[Speaker] = relationship(back_populates="unavailability")


class ProposalState(enum.Enum):
    SUBMITTED = "submitted"
    #: At least one review has been submitted.
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    #: Accepted and confirmed by the speaker: it has a session in the programme.
    CONFIRMED = "confirmed"
    #: Accepted, but the speaker declined.
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


#: States in which reviewers still work on a proposal.
REVIEWABLE_STATES = (ProposalState.SUBMITTED, ProposalState.UNDER_REVIEW)


class CfpSettings(db.Model):
    """An event's call for proposals: when it is open, guidelines and review rules."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True
    )
    opens_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Proposals may be submitted, edited and withdrawn until this instant.
    closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Markdown shown above the public form.
    guidelines: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    #: Reviewers see other reviews of a proposal only after submitting their own.
    hide_reviews_until_own: Mapped[bool] = mapped_column(default=True)
    #: Reviewers see neither speaker names nor affiliations.
    anonymous_review: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship()

    def is_open(self, now: dt.datetime) -> bool:
        """Submissions are accepted at ``now``."""
        if self.opens_at is None or self.closes_at is None:
            return False
        return self.opens_at <= now < self.closes_at


class CfpSessionType(db.Model):
    """A session type offered in an event's call for proposals, with its default length."""

    __table_args__ = (sa.UniqueConstraint("event_id", "session_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    session_type: Mapped[SessionType] = mapped_column(enum_column(SessionType))
    default_minutes: Mapped[int] = mapped_column(default=20)


cfp_tracks = sa.Table(
    "cfp_track",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("track_id", sa.ForeignKey("track.id", ondelete="CASCADE"), primary_key=True),
)


class Proposal(db.Model):
    """A talk, workshop ... proposed through the call for proposals (or added for an invited
    speaker)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    #: Markdown; rendered sanitised.
    abstract: Mapped[str] = mapped_column(sa.Text, default="")
    session_type: Mapped[SessionType] = mapped_column(enum_column(SessionType))
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("track.id", ondelete="SET NULL"))
    duration_minutes: Mapped[int] = mapped_column(default=20)
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    #: Seen by organizers only.
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[ProposalState] = mapped_column(
        enum_column(ProposalState), default=ProposalState.SUBMITTED, index=True
    )
    #: Secret of the submitter's private link (view, edit, withdraw, confirm).
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    #: Language of the emails to the submitter.
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The programme session made when the speaker confirmed.
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    track: Mapped[Track | None] = relationship()
    session: Mapped[Session | None] = relationship()
    speaker_links: Mapped[list[ProposalSpeaker]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalSpeaker.id"
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="Review.id"
    )

    @property
    def submitter(self) -> Speaker:
        return next(link.speaker for link in self.speaker_links if link.is_submitter)

    @property
    def speakers(self) -> list[Speaker]:
        return [link.speaker for link in self.speaker_links]


class ProposalSpeaker(db.Model):
    """A speaker of a proposal: the submitter, or a co-speaker invited by email."""

    __table_args__ = (sa.UniqueConstraint("proposal_id", "speaker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    speaker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("speaker.id", ondelete="CASCADE"), index=True
    )
    is_submitter: Mapped[bool] = mapped_column(default=False)
    #: When the co-speaker confirmed taking part (the submitter confirms by submitting).
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    proposal: Mapped[Proposal] = relationship(back_populates="speaker_links")
    speaker: Mapped[Speaker] = relationship()


class DecisionEmail(db.Model):
    """A decision email of a proposal in the outbox.

    While such an email is held, the decision is held: the speaker still sees "under
    review" and cannot confirm, and releasing it can be chosen per proposal.
    """

    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True
    )
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ReviewCriterion(db.Model):
    """An organizer-defined criterion scored 1 to 5 in every review."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[LocalizedText] = mapped_column(TranslatedText)
    description: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    position: Mapped[int] = mapped_column(default=0)


class ReviewerAssignment(db.Model):
    """A reviewer assigned to review all proposals of an event, or those of one track."""

    __table_args__ = (sa.UniqueConstraint("event_id", "user_id", "track_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: None: every proposal of the event.
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("track.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship()
    track: Mapped[Track | None] = relationship()


class Review(db.Model):
    """One reviewer's scores and comment on one proposal."""

    __table_args__ = (sa.UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="reviews")
    user: Mapped[User] = relationship()
    scores: Mapped[list[ReviewScore]] = relationship(
        cascade="all, delete-orphan", order_by="ReviewScore.criterion_id"
    )

    @property
    def overall(self) -> float | None:
        """The mean of this review's criterion scores."""
        if not self.scores:
            return None
        return sum(s.score for s in self.scores) / len(self.scores)


class ReviewScore(db.Model):
    """A score from 1 to 5 on one criterion."""

    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_criterion.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[int]

    criterion: Mapped[ReviewCriterion] = relationship()


class DecisionKind(enum.Enum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class DecisionTemplate(db.Model):
    """An event's editable email for a decision; ``{placeholders}`` are filled per proposal."""

    __table_args__ = (sa.UniqueConstraint("event_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind))
    subject: Mapped[LocalizedText] = mapped_column(TranslatedText)
    #: Plain text with placeholders such as ``{speaker_name}``, ``{title}``, ``{link}``.
    body: Mapped[LocalizedText] = mapped_column(TranslatedText)
