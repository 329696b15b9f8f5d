"""Bulk messages: one text, written per language, to a chosen group, through the outbox.

``queue_bulk_message`` checks the text and the group, keeps the message and starts a job;
the job (``write_bulk_outbox``) writes one outbox row per recipient in their language with a
bulk INSERT, spread over time by the messages-per-minute rate, so every mail worker honours
the rate simply by sending what is due. Progress and the final counts come from the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import BulkMessage, Event, Job, OutboxMessage, OutboxStatus, User
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.jobs.core import start_job
from conference.services.messaging.merge import (
    UNSUBSCRIBE_FIELD,
    check_texts,
    merge_values,
    prepare,
    render_for,
)
from conference.services.messaging.outbox import enqueue_rendered
from conference.services.messaging.recipients import Audience, Recipient, select_recipients
from conference.services.messaging.unsubscribe import unsubscribe_url

BULK_KIND = "mail.bulk"
TEST_KIND = "mail.bulk_test"
#: Rows per INSERT (and per progress report).
CHUNK = 1000
MAX_PER_MINUTE = 100_000


class EmptyAudience(DomainError):
    code = "empty_audience"


class InvalidRate(DomainError):
    code = "invalid_rate"


def check_rate(per_minute: int | None) -> int:
    if per_minute is None:
        return current_app.config["MAIL_BULK_PER_MINUTE"]
    if not 1 <= per_minute <= MAX_PER_MINUTE:
        raise InvalidRate(str(_l("Choose between %(low)d and %(high)d messages per minute.",
                                 low=1, high=MAX_PER_MINUTE)), field="per_minute")
    return per_minute


def queue_bulk_message(event: Event, *, subject: LocalizedText, body: LocalizedText,
                       audience: Audience, user: User | None, per_minute: int | None = None,
                       now: dt.datetime | None = None) -> tuple[BulkMessage, Job]:
    """Keep the message and start the job that queues it for every recipient.

    Refuses an invalid text (``merge.check_texts``), a bad rate and an empty group; nothing
    is kept then. Flushes; the caller commits, then dispatches the job.
    """
    now = now or utcnow()
    check_texts(event, subject, body)
    per_minute = check_rate(per_minute)
    selection = select_recipients(event, audience)
    if not selection.recipients:
        raise EmptyAudience(str(_l("Nobody is in this group: nothing was sent.")))
    message = BulkMessage(event_id=event.id, subject=subject, body=body,
                          audience=audience.as_params(), per_minute=per_minute,
                          recipient_count=len(selection.recipients),
                          sent_by_id=user.id if user else None, created_at=now)
    db.session.add(message)
    db.session.flush()
    job, _created = start_job(BULK_KIND, event=event, user=user,
                              params={"bulk_message_id": message.id},
                              dedupe_key=f"{BULK_KIND}:{message.id}",
                              total=len(selection.recipients), now=now)
    message.job_id = job.id
    return message, job


def _first_slot(event: Event, now: dt.datetime, interval: dt.timedelta) -> dt.datetime:
    """When the next announcement of the event may go: after those already waiting, so two
    bulk messages at once share the rate instead of doubling it."""
    last = db.session.execute(
        sa.select(sa.func.max(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.event_id == event.id, OutboxMessage.bulk_message_id.is_not(None),
            OutboxMessage.status == OutboxStatus.PENDING)
    ).scalar()
    return max(now, last + interval) if last is not None else now


def write_bulk_outbox(message: BulkMessage, progress: Callable[[int, int | None], None],
                      now: dt.datetime | None = None) -> int:
    """Write the outbox rows of ``message``: one per recipient not yet written (a retried
    job continues where it stopped). Commits per chunk; returns how many rows it wrote."""
    now = now or utcnow()
    event = message.event
    recipients = select_recipients(event, Audience.from_params(message.audience)).recipients
    done = set(db.session.execute(
        sa.select(sa.func.lower(OutboxMessage.recipient))
        .where(OutboxMessage.bulk_message_id == message.id)).scalars())
    todo = [r for r in recipients if r.key not in done]
    progress(len(recipients) - len(todo), len(recipients))
    interval = dt.timedelta(seconds=60 / message.per_minute)
    slot = _first_slot(event, now, interval)
    prepared = {}
    rows: list[dict] = []
    written = 0
    for index, recipient in enumerate(todo):
        language = recipient.locale if recipient.locale in event.content_languages \
            else event.language
        if language not in prepared:
            prepared[language] = prepare(event, message.subject, message.body, language)
        rows.append(_row(event, message, prepared[language], recipient, language,
                         slot + interval * index, now))
        if len(rows) >= CHUNK:
            written += _insert(rows)
            progress(len(recipients) - len(todo) + written, None)
    written += _insert(rows)
    progress(len(recipients), None)
    return written


def _row(event, message, prepared, recipient: Recipient, language: str,
         due: dt.datetime, now: dt.datetime) -> dict:
    link = unsubscribe_url(event, recipient.email)
    values = merge_values(event, recipient, language)
    values[UNSUBSCRIBE_FIELD] = link
    subject, text, html = prepared.personalize(values)
    return {"event_id": event.id, "kind": BULK_KIND, "recipient": recipient.email,
            "subject": subject[:300], "body_text": text, "body_html": html,
            "status": OutboxStatus.PENDING, "attempts": 0, "next_attempt_at": due,
            "last_error": "", "created_at": now, "bulk_message_id": message.id,
            "list_unsubscribe": link[:500]}


def _insert(rows: list[dict]) -> int:
    if not rows:
        return 0
    count = len(rows)
    db.session.execute(sa.insert(OutboxMessage), rows)
    db.session.commit()
    rows.clear()
    return count


def run_bulk_job(job: Job, progress: Callable[[int, int | None], None]) -> None:
    """The job handler of ``mail.bulk``."""
    message = db.session.get(BulkMessage, job.params.get("bulk_message_id"))
    if message is None:
        raise DomainError(str(_l("This message no longer exists.")))
    write_bulk_outbox(message, progress)


def send_test(event: Event, *, subject: LocalizedText, body: LocalizedText,
              recipient: Recipient, to_address: str) -> OutboxMessage:
    """Queue the message as ``recipient`` would get it, but to ``to_address`` (the
    organizer), marked as a test. Checks the text first. The caller commits."""
    check_texts(event, subject, body)
    link = unsubscribe_url(event, to_address)
    subject_text, text, html = render_for(event, subject, body, recipient, link)
    message = enqueue_rendered(kind=TEST_KIND, recipient=to_address,
                               subject=f"[TEST] {subject_text}", body_text=text,
                               body_html=html, event=event)
    message.list_unsubscribe = link[:500]
    return message


@dataclass
class BulkCounts:
    queued: int = 0
    delivered: int = 0
    deferred: int = 0
    failed: int = 0
    #: Not sent: the address unsubscribed before its turn.
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.queued + self.delivered + self.deferred + self.failed + self.skipped


def bulk_counts(message: BulkMessage) -> BulkCounts:
    """How the message's outbox rows stand: waiting, delivered, deferred (a failed try,
    retrying), failed for good, skipped."""
    table = OutboxMessage.__table__
    retrying = sa.and_(table.c.status == OutboxStatus.PENDING.value, table.c.last_error != "")
    rows = db.session.execute(
        sa.select(table.c.status, retrying.label("retrying"), sa.func.count())
        .where(table.c.bulk_message_id == message.id)
        .group_by(table.c.status, "retrying")
    ).all()
    counts = BulkCounts()
    for status, is_retrying, count in rows:
        status = OutboxStatus(status)
        if status is OutboxStatus.PENDING:
            if is_retrying:
                counts.deferred += count
            else:
                counts.queued += count
        elif status is OutboxStatus.SENT:
            counts.delivered += count
        elif status is OutboxStatus.FAILED:
            counts.failed += count
        elif status is OutboxStatus.SKIPPED:
            counts.skipped += count
        else:
            counts.queued += count
    return counts


def bulk_messages_of(event: Event, limit: int = 200) -> list[BulkMessage]:
    """The event's bulk messages, newest first."""
    return list(db.session.execute(
        sa.select(BulkMessage).where(BulkMessage.event_id == event.id)
        .order_by(BulkMessage.id.desc()).limit(limit)).scalars())


def bulk_outbox(message: BulkMessage, limit: int = 500) -> list[OutboxMessage]:
    """The message's outbox rows (to whom, and how each went), in queue order."""
    return list(db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.bulk_message_id == message.id)
        .order_by(OutboxMessage.id).limit(limit)).scalars())
