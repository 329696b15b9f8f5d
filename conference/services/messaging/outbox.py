"""Outbox email: queue in the caller's transaction, deliver from a worker with retries.

``enqueue_mail`` only adds a row to the session; the caller's commit makes the change and
its email durable together. ``deliver_pending`` claims each message with a conditional
UPDATE (a lease on ``next_attempt_at``), so several workers never send one message twice
and a crashed worker's message is retried after the lease.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from flask_mail import Message
from sqlalchemy.exc import SQLAlchemyError

from conference.extensions import db
from conference.models import Event, OutboxMessage, OutboxStatus
from conference.models.types import utcnow

log = logging.getLogger(__name__)

#: How long a worker owns a claimed message before another may retry it.
CLAIM_LEASE = dt.timedelta(minutes=5)
#: Retry delays grow from 30 s, doubling, up to one hour.
FIRST_RETRY = dt.timedelta(seconds=30)
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
    name = " ".join(event.name.split()) if event is not None else ""
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


def retry_delay(attempts: int) -> dt.timedelta:
    """Back-off after the ``attempts``-th failed try."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0


def _claim(message_id: int, now: dt.datetime) -> bool:
    """Take the message for this worker if it is still due; True when we got it."""
    table = OutboxMessage.__table__
    result = db.session.execute(
        table.update()
        .where(
            table.c.id == message_id,
            table.c.status == OutboxStatus.PENDING.value,
            table.c.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + CLAIM_LEASE, attempts=table.c.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def _build(message: OutboxMessage) -> Message:
    msg = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text,
        html=message.body_html or None,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    msg.extra_headers = {"X-Outbox-Id": str(message.id)}
    return msg


def _connect() -> smtplib.SMTP:
    """An SMTP connection with a timeout (Flask-Mail's has none, so a hung server would
    stall the worker for ever)."""
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    connection = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"],
                            timeout=config["MAIL_TIMEOUT"])
    try:
        if config["MAIL_USE_TLS"]:
            connection.starttls()
        if config["MAIL_USERNAME"]:
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        _close(connection)
        raise
    return connection


def _send(connection: smtplib.SMTP, message: OutboxMessage) -> None:
    msg = _build(message)
    connection.sendmail(msg.sender, [message.recipient], msg.as_bytes())


def _is_permanent(error: Exception) -> bool:
    """The server refused this message for good (5xx for every recipient): no retries."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500 and \
        isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError)


def deliver_pending(limit: int = 100, now: dt.datetime | None = None) -> DeliveryReport:
    """Send due messages once; failures are rescheduled with back-off, then marked failed.

    When the SMTP server cannot be reached, the batch stops after the first message (the
    others stay due, untouched) instead of waiting for a timeout per message.
    """
    now = now or utcnow()
    report = DeliveryReport()
    due_ids = (
        db.session.execute(
            db.select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    if not due_ids:
        return report
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    connection = None
    try:
        for message_id in due_ids:
            if not _claim(message_id, now):
                continue  # another worker has it
            message = db.session.get(OutboxMessage, message_id, populate_existing=True)
            stage = "connect"
            try:
                if connection is None:
                    connection = _connect()
                stage = "send"
                _send(connection, message)
            except Exception as error:  # any failure is recorded and retried
                connection = _close(connection)
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                if message.attempts >= max_attempts or _is_permanent(error):
                    message.status = OutboxStatus.FAILED
                    report.failed += 1
                else:
                    message.next_attempt_at = now + retry_delay(message.attempts)
                    report.deferred += 1
                db.session.commit()
                log.warning("mail %s to %s not sent: %s", message.id, message.recipient, error)
                if stage == "connect":
                    break
                continue
            message.status = OutboxStatus.SENT
            message.sent_at = utcnow()
            message.last_error = ""
            db.session.commit()
            report.sent += 1
    finally:
        _close(connection)
    return report


def _close(connection):
    if connection is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.quit()
        with contextlib.suppress(OSError):
            connection.close()
    return None


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
