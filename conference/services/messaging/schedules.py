"""Scheduled emails: "N minutes before the event starts / each booked session starts /
after the event ends, send this text to this group".

A periodic tick (``run_schedules``, every minute) finds the rules whose moment has come and
writes, per recipient, a *mark* (unique per rule, address and session) together with the
outbox row, in one transaction. The mark is inserted with ON CONFLICT DO NOTHING: when two
workers tick at once, or a worker ticks again after a restart, only one insert wins and only
its outbox row exists. Marks are keyed by the rule, not its version, so a rule edited after
it fired does not fire again; a registration made after the moment gets no late reminder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import (
    Event,
    OutboxMessage,
    OutboxStatus,
    ScheduleAnchor,
    ScheduleMark,
    ScheduleRule,
    SeatBooking,
    Session,
    SessionStatus,
    User,
)
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.messaging.merge import (
    UNSUBSCRIBE_FIELD,
    check_texts,
    merge_values,
    prepare,
)
from conference.services.messaging.recipients import (
    ATTENDEES,
    Audience,
    Recipient,
    select_recipients,
)
from conference.services.messaging.unsubscribe import unsubscribe_url

SCHEDULED_KIND = "mail.scheduled"
#: Offsets are limited to a year either way.
MAX_OFFSET_MINUTES = 366 * 24 * 60


class ScheduleInvalid(DomainError):
    code = "schedule_invalid"


class ScheduleInPast(ScheduleInvalid):
    code = "schedule_in_past"


def anchor_moment(event: Event, anchor: ScheduleAnchor) -> dt.datetime | None:
    """The event's start or end instant (None for per-session rules)."""
    if anchor is ScheduleAnchor.EVENT_START:
        return event.local_start().astimezone(dt.UTC)
    if anchor is ScheduleAnchor.EVENT_END:
        return event.local_end().astimezone(dt.UTC)
    return None


def _sessions_query(event: Event, audience: Audience):
    query = sa.select(Session).where(Session.event_id == event.id,
                                     Session.starts_at.is_not(None),
                                     Session.status == SessionStatus.SCHEDULED)
    if audience.session_id is not None:
        query = query.where(Session.id == audience.session_id)
    return query


def latest_moment(event: Event, anchor: ScheduleAnchor, offset_minutes: int,
                  audience: Audience) -> dt.datetime | None:
    """The last moment the rule would fire at (None: no session to anchor to yet)."""
    offset = dt.timedelta(minutes=offset_minutes)
    if anchor is not ScheduleAnchor.SESSION_START:
        return anchor_moment(event, anchor) + offset
    last_start = db.session.execute(
        _sessions_query(event, audience).with_only_columns(sa.func.max(Session.starts_at))
    ).scalar()
    return last_start + offset if last_start is not None else None


def save_rule(event: Event, *, anchor: ScheduleAnchor, offset_minutes: int,
              audience: Audience, subject: LocalizedText, body: LocalizedText,
              user: User | None = None, rule: ScheduleRule | None = None,
              now: dt.datetime | None = None) -> ScheduleRule:
    """Create a rule, or change ``rule`` (a new version; what it sent stays sent).

    Refused: an invalid text, an offset beyond a year, and a moment already past (a new
    rule, or an edit that moves the moment into the past). The caller commits.
    """
    now = now or utcnow()
    check_texts(event, subject, body)
    if not -MAX_OFFSET_MINUTES <= offset_minutes <= MAX_OFFSET_MINUTES:
        raise ScheduleInvalid(str(_l("Choose a time within a year of the moment.")),
                              field="offset")
    moment = latest_moment(event, anchor, offset_minutes, audience)
    unchanged = rule is not None and rule.anchor is anchor and \
        rule.offset_minutes == offset_minutes and rule.audience == audience.as_params()
    if moment is not None and moment <= now and not unchanged:
        raise ScheduleInPast(str(_l("This moment is already past: the email would never be "
                                    "sent. Choose a later time.")), field="offset")
    if rule is None:
        rule = ScheduleRule(event_id=event.id, created_by_id=user.id if user else None,
                            created_at=now, version=0)
        db.session.add(rule)
    rule.anchor = anchor
    rule.offset_minutes = offset_minutes
    rule.audience = audience.as_params()
    rule.subject = subject
    rule.body = body
    rule.active = True
    rule.version = (rule.version or 0) + 1
    rule.updated_at = now
    return rule


def rules_of(event: Event) -> list[ScheduleRule]:
    return list(db.session.execute(
        sa.select(ScheduleRule).where(ScheduleRule.event_id == event.id)
        .order_by(ScheduleRule.id)).scalars())


def sent_count(rule: ScheduleRule) -> int:
    return db.session.execute(
        sa.select(sa.func.count(ScheduleMark.id)).where(ScheduleMark.rule_id == rule.id)
    ).scalar_one()


# --- The tick ----------------------------------------------------------------------------


def _grace() -> dt.timedelta:
    return dt.timedelta(hours=current_app.config["MAIL_SCHEDULE_GRACE_HOURS"])


def due_moments(rule: ScheduleRule, now: dt.datetime) -> Iterator[tuple[dt.datetime, int]]:
    """(moment, session id or 0) of the rule that are due: past, within the grace period,
    and not before the rule existed."""
    offset = dt.timedelta(minutes=rule.offset_minutes)
    earliest = max(now - _grace(), rule.created_at)
    if rule.anchor is not ScheduleAnchor.SESSION_START:
        moment = anchor_moment(rule.event, rule.anchor) + offset
        if earliest <= moment <= now:
            yield moment, 0
        return
    sessions = db.session.execute(
        _sessions_query(rule.event, Audience.from_params(rule.audience))
        .with_only_columns(Session.id, Session.starts_at)
        .where(Session.starts_at >= earliest - offset, Session.starts_at <= now - offset,
               sa.exists().where(SeatBooking.session_id == Session.id))
        .order_by(Session.starts_at, Session.id)
    ).all()
    for session_id, starts_at in sessions:
        yield starts_at + offset, session_id


def _recipients(rule: ScheduleRule, moment: dt.datetime, session_key: int) -> list[Recipient]:
    audience = Audience.from_params(rule.audience)
    if session_key:
        audience = dataclasses.replace(audience, kind=ATTENDEES, session_id=session_key)
    found = select_recipients(rule.event, audience).recipients
    # Someone who registered after the moment is not sent a reminder that is already past.
    return [r for r in found
            if r.registration_created_at is None or r.registration_created_at <= moment]


def _claim_marks(rule: ScheduleRule, session_key: int, emails: list[str],
                 now: dt.datetime) -> list[tuple[int, str]]:
    """Insert the marks that do not exist yet; returns (mark id, email) of those this
    transaction inserted (another worker's marks, committed or not, are skipped)."""
    if not emails:
        return []
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ScheduleMark)
        .values([{"rule_id": rule.id, "email": email, "session_key": session_key,
                  "rule_version": rule.version, "fired_at": now} for email in emails])
        .on_conflict_do_nothing(index_elements=["rule_id", "email", "session_key"])
        .returning(ScheduleMark.id, ScheduleMark.email)
    )
    return [tuple(row) for row in db.session.execute(statement).all()]


def fire(rule: ScheduleRule, moment: dt.datetime, session_key: int,
         now: dt.datetime) -> int:
    """Queue the rule's email for each recipient not yet marked; commits. Returns how many."""
    event = rule.event
    recipients = {r.key: r for r in _recipients(rule, moment, session_key)}
    claimed = _claim_marks(rule, session_key, sorted(recipients), now)
    prepared = {}
    for mark_id, email in claimed:
        recipient = recipients[email]
        language = recipient.locale if recipient.locale in event.content_languages \
            else event.language
        if language not in prepared:
            prepared[language] = prepare(event, rule.subject, rule.body, language)
        link = unsubscribe_url(event, recipient.email)
        values = merge_values(event, recipient, language)
        values[UNSUBSCRIBE_FIELD] = link
        subject, text, html = prepared[language].personalize(values)
        message = OutboxMessage(event_id=event.id, kind=SCHEDULED_KIND,
                                recipient=recipient.email, subject=subject[:300],
                                body_text=text, body_html=html, status=OutboxStatus.PENDING,
                                next_attempt_at=now, created_at=now,
                                list_unsubscribe=link[:500])
        db.session.add(message)
        db.session.flush()
        db.session.execute(sa.update(ScheduleMark).where(ScheduleMark.id == mark_id)
                           .values(message_id=message.id))
    db.session.commit()
    return len(claimed)


def run_schedules(now: dt.datetime | None = None) -> int:
    """The tick: fire every due moment of every active rule. Returns how many emails it
    queued (0 when another worker got there first)."""
    now = now or utcnow()
    rule_ids = list(db.session.execute(
        sa.select(ScheduleRule.id).where(ScheduleRule.active.is_(True))
        .order_by(ScheduleRule.id)).scalars())
    queued = 0
    for rule_id in rule_ids:
        rule = db.session.get(ScheduleRule, rule_id)
        if rule is None or not rule.active:
            continue
        for moment, session_key in list(due_moments(rule, now)):
            queued += fire(rule, moment, session_key, now)
    return queued
