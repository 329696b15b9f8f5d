"""Outbox email: queue in the caller's transaction, deliver from a worker with retries.

``enqueue_mail`` only adds a row to the session; the caller's commit makes the change and
its email durable together. ``deliver_pending`` claims messages in chunks with a conditional
UPDATE (a lease on ``next_attempt_at``), so several workers never send one message twice
and a crashed worker's messages are retried after the lease.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy.exc import SQLAlchemyError

from conference.extensions import db
from conference.models import Event, OutboxMessage, OutboxStatus, Unsubscribe
from conference.models.types import utcnow
from conference.services.messaging.smtp import (
    InvalidDomain,
    SmtpUtf8Unsupported,
    UndeliverableAddress,
    close,
    connect,
    is_permanent,
    send_message,
)

# Re-exported: callers knew it here before the SMTP details moved to their own module.
from conference.services.messaging.smtp import envelope_address as envelope_address

log = logging.getLogger(__name__)

#: How long a worker owns a claimed message before another may retry it.
CLAIM_LEASE = dt.timedelta(minutes=5)
#: Messages a worker claims at once (one UPDATE and one commit for the chunk).
CLAIM_CHUNK = 25
#: Default retry delays (``MAIL_RETRY_FIRST_SECONDS``, ``MAIL_RETRY_MAX_SECONDS``): from
#: 30 s, doubling, up to one hour.
FIRST_RETRY = dt.timedelta(seconds=30)
#: ``last_error`` prefix of an announcement skipped because its address unsubscribed.
UNSUBSCRIBED = "unsubscribed"
MAX_RETRY = dt.timedelta(hours=1)


def enqueue_mail(
    *,
    kind: str,
    recipient: str,
    subject: str,
    template: str,
    context: dict,
    event: Event | None = None,
    locale: str = "en",
    hold: bool = False,
) -> OutboxMessage:
    """Render ``email/<template>.txt`` and ``.html`` and add the message to the session.

    ``subject`` may be a lazy string: it is translated in the recipient's ``locale`` and
    prefixed with the event's name (``subject_naming_event``).
    ``hold`` keeps the message until an organizer releases it (``release_held``).
    """
    with force_locale(locale):
        context = {"event": event, **context}
        body_text = render_template(f"email/{template}.txt", **context)
        body_html = render_template(f"email/{template}.html", **context)
        subject_text = subject_naming_event(str(subject), event)
    return enqueue_rendered(kind=kind, recipient=recipient, subject=subject_text,
                            body_text=body_text, body_html=body_html, event=event, hold=hold)


def subject_naming_event(subject: str, event: Event | None) -> str:
    """``"LifeScience Open Space 2026: Your registration is confirmed"``: the subject
    after the event's name, in the current language, so that an inbox shows which event
    writes. Unchanged without an event or when the subject names the event already."""
    # ``str()``: an event's name in the language current now (the reader's, when forced).
    name = " ".join(str(event.name).split()) if event is not None else ""
    if not name or name.casefold() in " ".join(subject.split()).casefold():
        return subject
    return gettext("%(event)s: %(subject)s", event=name, subject=subject)


def enqueue_rendered(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str,
    event: Event | None = None,
    hold: bool = False,
) -> OutboxMessage:
    """Add an already-rendered message (e.g. from an editable template) to the session;
    the subject names the event (``subject_naming_event``)."""
    # A line break in a header would let text from the data add headers: flatten it.
    subject = " ".join(subject_naming_event(subject, event).split())
    message = OutboxMessage(
        event_id=event.id if event is not None else None,
        kind=kind,
        recipient=recipient,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        status=OutboxStatus.HELD if hold else OutboxStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message


def release_held(messages: list[OutboxMessage], now: dt.datetime | None = None) -> int:
    """Let held messages go out; returns how many were released. The caller commits."""
    now = now or utcnow()
    released = 0
    for message in messages:
        if message.status is OutboxStatus.HELD:
            message.status = OutboxStatus.PENDING
            message.next_attempt_at = now
            released += 1
    return released


def skip_unsent(event: Event) -> int:
    """Record the event's unsent mail (pending or held) as handled without sending it
    (``SKIPPED``: e.g. the demo's addresses, which nobody reads). Returns how many; the
    caller commits."""
    db.session.flush()
    table = OutboxMessage.__table__
    result = db.session.execute(
        table.update()
        .where(table.c.event_id == event.id,
               table.c.status.in_([OutboxStatus.PENDING.value, OutboxStatus.HELD.value]))
        .values(status=OutboxStatus.SKIPPED.value)
    )
    return result.rowcount


def retry_delay(attempts: int, first: dt.timedelta = FIRST_RETRY,
                maximum: dt.timedelta = MAX_RETRY) -> dt.timedelta:
    """Back-off after the ``attempts``-th failed try: ``first``, doubling, up to ``maximum``."""
    if attempts > 64:  # the doubling would overflow long before; the cap applies anyway
        return maximum
    return min(first * (2 ** max(attempts - 1, 0)), maximum)


def configured_retry_delay(attempts: int) -> dt.timedelta:
    """``retry_delay`` with the app's ``MAIL_RETRY_FIRST_SECONDS`` / ``MAIL_RETRY_MAX_SECONDS``."""
    config = current_app.config
    first = dt.timedelta(seconds=config.get("MAIL_RETRY_FIRST_SECONDS", 30))
    maximum = dt.timedelta(seconds=config.get("MAIL_RETRY_MAX_SECONDS", 3600))
    return retry_delay(attempts, first, max(first, maximum))


def force_deferred(now: dt.datetime | None = None) -> int:
    """Make every deferred message due at ``now`` (the operator says: try again now).

    Deferred means pending, waiting for its back-off after a failed try. A message that a
    worker has claimed (in flight: its error was cleared when claimed) keeps its lease, so
    it is never sent twice. Returns how many were made due; commits.
    """
    now = now or utcnow()
    table = OutboxMessage.__table__
    result = db.session.execute(
        table.update()
        .where(
            table.c.status == OutboxStatus.PENDING.value,
            table.c.next_attempt_at > now,
            table.c.last_error != "",
        )
        .values(next_attempt_at=now)
    )
    db.session.commit()
    return result.rowcount


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    #: Announcements not sent because the address unsubscribed meanwhile.
    skipped: int = 0


def _claim_chunk(now: dt.datetime, size: int) -> list[int]:
    """Take up to ``size`` due messages for this worker (one UPDATE, one commit); returns
    the ids we got, in order.

    On PostgreSQL the due rows are chosen with ``FOR UPDATE SKIP LOCKED``, so parallel
    workers take different chunks instead of queueing on the same rows; on every database
    the UPDATE's conditions (still pending, still due) keep a row from being claimed twice.
    """
    table = OutboxMessage.__table__
    due = db.session.execute(
        db.select(table.c.id)
        .where(table.c.status == OutboxStatus.PENDING.value, table.c.next_attempt_at <= now)
        .order_by(table.c.id).limit(size).with_for_update(skip_locked=True)
    ).scalars().all()
    if not due:
        db.session.commit()
        return []
    claimed = db.session.execute(
        table.update()
        .where(
            table.c.id.in_(due),
            table.c.status == OutboxStatus.PENDING.value,
            table.c.next_attempt_at <= now,
        )
        # The cleared error marks the message as in flight (see ``force_deferred``); a
        # failure writes it again.
        .values(next_attempt_at=now + CLAIM_LEASE, attempts=table.c.attempts + 1,
                last_error="")
        .returning(table.c.id)
    ).scalars().all()
    db.session.commit()
    return sorted(claimed)


def _release(message_ids: list[int], now: dt.datetime) -> None:
    """Give claimed but untried messages back, due and with their attempt uncounted."""
    if not message_ids:
        return
    table = OutboxMessage.__table__
    db.session.execute(
        table.update().where(table.c.id.in_(message_ids))
        .values(next_attempt_at=now, attempts=table.c.attempts - 1))
    db.session.commit()


def _unsubscribed_in(messages: list[OutboxMessage]) -> set[tuple[int, str]]:
    """(event id, address) of the announcements among ``messages`` whose address has
    unsubscribed from their event: one query per chunk."""
    announcements = [m for m in messages if m.list_unsubscribe and m.event_id is not None]
    if not announcements:
        return set()
    rows = db.session.execute(
        db.select(Unsubscribe.event_id, Unsubscribe.email).where(
            Unsubscribe.event_id.in_({m.event_id for m in announcements}),
            Unsubscribe.email.in_({m.recipient.strip().lower() for m in announcements}))
    ).all()
    return {(event_id, email) for event_id, email in rows}


def failure_code(message: OutboxMessage) -> str:
    """The stable code of a known failure reason (e.g. ``smtputf8_unsupported``), or ""."""
    prefix = message.last_error.partition(":")[0]
    known = {SmtpUtf8Unsupported.code, InvalidDomain.code, UNSUBSCRIBED}
    return prefix if prefix in known else ""


def deliver_pending(limit: int = 100, now: dt.datetime | None = None) -> DeliveryReport:
    """Send up to ``limit`` due messages once; failures are rescheduled with back-off, then
    marked failed. Announcements to an address that unsubscribed meanwhile are skipped.

    Messages are claimed in chunks (one commit per chunk) and each is recorded as sent
    right after the server accepted it (one commit per message). When the SMTP server
    cannot be reached, the round stops after the first message: the rest of the chunk is
    given back untouched instead of waiting for a timeout per message.
    """
    now = now or utcnow()
    report = DeliveryReport()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    connection = None
    taken = 0
    try:
        while taken < limit:
            chunk = _claim_chunk(now, min(CLAIM_CHUNK, limit - taken))
            if not chunk:
                break
            taken += len(chunk)
            messages = db.session.execute(
                db.select(OutboxMessage).where(OutboxMessage.id.in_(chunk))
                .order_by(OutboxMessage.id).execution_options(populate_existing=True)
            ).scalars().all()
            # Detached, so that each message's commit does not expire (and reload) the
            # rest of the chunk; outcomes are written by id (``_save``).
            for message in messages:
                db.session.expunge(message)
            unsubscribed = _unsubscribed_in(messages)
            for position, message in enumerate(messages):
                if message.list_unsubscribe and \
                        (message.event_id, message.recipient.strip().lower()) in unsubscribed:
                    # An announcement to an address that unsubscribed after it was queued.
                    _save(message, status=OutboxStatus.SKIPPED,
                          last_error=f"{UNSUBSCRIBED}: the address unsubscribed")
                    report.skipped += 1
                    continue
                stage = "connect"
                try:
                    if connection is None:
                        connection = connect()
                    stage = "send"
                    send_message(connection, message)
                except Exception as error:  # any failure is recorded and retried
                    if not isinstance(error, UndeliverableAddress):  # nothing was sent
                        connection = close(connection)
                    _record_failure(message, error, stage, max_attempts, now, report)
                    if stage == "connect":
                        _release([m.id for m in messages[position + 1:]], now)
                        return report
                    continue
                _save(message, status=OutboxStatus.SENT, sent_at=utcnow(), last_error="")
                report.sent += 1
    finally:
        close(connection)
    return report


def _save(message: OutboxMessage, **values) -> None:
    """Write a (detached) message's outcome and commit."""
    for name, value in values.items():
        setattr(message, name, value)
    db.session.execute(db.update(OutboxMessage).where(OutboxMessage.id == message.id)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def _record_failure(message: OutboxMessage, error: Exception, stage: str, max_attempts: int,
                    now: dt.datetime, report: DeliveryReport) -> None:
    if isinstance(error, UndeliverableAddress):
        last_error = error.message[:2000]
    else:
        last_error = f"{type(error).__name__}: {error}"[:2000]
    permanent = stage == "send" and is_permanent(error)
    if message.attempts >= max_attempts or permanent:
        _save(message, status=OutboxStatus.FAILED, last_error=last_error)
        report.failed += 1
    else:
        _save(message, last_error=last_error,
              next_attempt_at=now + configured_retry_delay(message.attempts))
        report.deferred += 1
    log.warning("mail %s to %s not sent: %s", message.id, message.recipient, error)


def run_worker(interval: float = 5.0, once: bool = False,
               housekeeping: Sequence[Callable[[], object]] = ()) -> None:
    """Deliver due messages forever, sleeping ``interval`` seconds when idle.

    ``housekeeping`` jobs run before each round (e.g. passing lapsed waiting-list offers
    on), so their emails go out in the same round.
    """
    while True:
        try:
            for job in housekeeping:
                job()
            report = deliver_pending()
        except SQLAlchemyError:
            # The database restarted or the network blinked: keep the worker alive.
            log.exception("mail worker: database error; retrying in %s s", interval)
            db.session.rollback()
        else:
            if report.sent or report.deferred or report.failed:
                log.info("mail worker: sent=%d deferred=%d failed=%d",
                         report.sent, report.deferred, report.failed)
        if once:
            return
        db.session.remove()
        time.sleep(interval)
