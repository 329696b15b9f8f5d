"""Retention rules: when an event's personal data is due for anonymisation, and what a run
would remove (the preview the organizer sees before it runs)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import (
    Answer,
    Certificate,
    CheckIn,
    Event,
    OutboxMessage,
    Question,
    Registration,
    RetentionSettings,
)
from conference.models.types import utcnow
from conference.services.privacy.errors import InvalidRetention
from conference.services.privacy.speakers import count_pending_speakers

#: Longest retention the form accepts: ten years (accounting law asks for at most that).
MAX_MONTHS = 120
MAX_SENSITIVE_DAYS = 3650


def retention_settings(event: Event) -> RetentionSettings:
    """The event's retention settings, created with the defaults on first use."""
    settings = db.session.execute(
        db.select(RetentionSettings).filter_by(event_id=event.id)).scalar_one_or_none()
    if settings is None:
        settings = RetentionSettings(event=event)
        db.session.add(settings)
        db.session.flush()
    return settings


def save_retention_settings(event: Event, *, months_after_end: int,
                            sensitive_days_after_end: int, automatic: bool,
                            now: dt.datetime | None = None) -> RetentionSettings:
    """Change when the event's personal data goes; InvalidRetention for periods out of range
    or sensitive answers kept longer than everything else."""
    if not 0 <= months_after_end <= MAX_MONTHS:
        raise InvalidRetention(str(_l("Keep personal data between 0 and %(max)d months.",
                                      max=MAX_MONTHS)), field="months_after_end")
    if not 0 <= sensitive_days_after_end <= MAX_SENSITIVE_DAYS:
        raise InvalidRetention(str(_l("Keep sensitive answers between 0 and %(max)d days.",
                                      max=MAX_SENSITIVE_DAYS)), field="sensitive_days_after_end")
    end = event.local_end()
    if _add_months(end, months_after_end) < end + dt.timedelta(days=sensitive_days_after_end):
        raise InvalidRetention(str(_l("Sensitive answers cannot be kept longer than the rest "
                                      "of the personal data.")), field="sensitive_days_after_end")
    settings = retention_settings(event)
    settings.months_after_end = months_after_end
    settings.sensitive_days_after_end = sensitive_days_after_end
    settings.automatic = automatic
    settings.updated_at = now or utcnow()
    return settings


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def anonymise_due_at(event: Event, settings: RetentionSettings | None = None) -> dt.datetime:
    """The instant (UTC) from which the event's personal data is due for anonymisation."""
    settings = settings or retention_settings(event)
    return _add_months(event.local_end(), settings.months_after_end).astimezone(dt.UTC)


def sensitive_due_at(event: Event, settings: RetentionSettings | None = None) -> dt.datetime:
    """The instant (UTC) from which answers to sensitive questions are due for removal."""
    settings = settings or retention_settings(event)
    return (event.local_end() + dt.timedelta(days=settings.sensitive_days_after_end)
            ).astimezone(dt.UTC)


@dataclass(frozen=True)
class RetentionPreview:
    """What an anonymisation run would remove now (or, ``early``, before it is due)."""

    due_at: dt.datetime
    sensitive_due_at: dt.datetime
    is_due: bool
    sensitive_is_due: bool
    #: People still holding personal data (all of them go when the run is due or early).
    registrations: int
    answers: int
    sensitive_answers: int
    outbox_messages: int
    certificates: int
    #: Speakers still holding personal data (names, emails, biographies, photos).
    speakers: int
    #: Kept, without the person: what statistics need.
    check_ins: int
    already_anonymised: int


def preview(event: Event, now: dt.datetime | None = None) -> RetentionPreview:
    """Counts of what anonymising ``event`` removes, and whether it is due at ``now``."""
    now = now or utcnow()
    settings = retention_settings(event)
    live = pending_registrations(event)
    emails = db.select(Registration.email).where(Registration.id.in_(live))
    sensitive = (db.select(sa.func.count()).select_from(Answer)
                 .join(Question, Question.id == Answer.question_id)
                 .where(Question.event_id == event.id, Question.sensitive,
                        Answer.registration_id.in_(live)))
    due, sensitive_due = anonymise_due_at(event, settings), sensitive_due_at(event, settings)
    return RetentionPreview(
        due_at=due, sensitive_due_at=sensitive_due, is_due=now >= due,
        sensitive_is_due=now >= sensitive_due,
        registrations=_count(db.select(sa.func.count()).select_from(live.subquery())),
        answers=_count(db.select(sa.func.count()).select_from(Answer)
                       .where(Answer.registration_id.in_(live))),
        sensitive_answers=_count(sensitive),
        outbox_messages=_count(db.select(sa.func.count()).select_from(OutboxMessage)
                               .where(OutboxMessage.event_id == event.id,
                                      OutboxMessage.recipient.in_(emails))),
        certificates=_count(db.select(sa.func.count()).select_from(Certificate)
                            .where(Certificate.registration_id.in_(live))),
        speakers=count_pending_speakers(event),
        check_ins=_count(db.select(sa.func.count()).select_from(CheckIn)
                         .where(CheckIn.event_id == event.id)),
        already_anonymised=_count(
            db.select(sa.func.count()).select_from(Registration)
            .where(Registration.event_id == event.id, Registration.anonymised_at.is_not(None))),
    )


def pending_registrations(event: Event) -> sa.Select:
    """The ids of the event's registrations that still hold personal data."""
    return db.select(Registration.id).where(Registration.event_id == event.id,
                                            Registration.anonymised_at.is_(None))


def _count(statement) -> int:
    return db.session.execute(statement).scalar_one()
