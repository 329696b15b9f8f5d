"""Outbox email: queue in the caller's transaction, deliver from a worker with retries.

``enqueue_mail`` only adds a row to the session; the caller's commit makes the change and
its email durable together. ``deliver_pending`` claims each message with a conditional
UPDATE (a lease on ``next_attempt_at``), so several workers never send one message twice
and a crashed worker's message is retried after the lease.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.policy
import logging
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import idna
from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy.exc import SQLAlchemyError

from conference.extensions import db
from conference.models import Event, OutboxMessage, OutboxStatus
from conference.models.types import utcnow
from conference.services import DomainError

log = logging.getLogger(__name__)

#: How long a worker owns a claimed message before another may retry it.
CLAIM_LEASE = dt.timedelta(minutes=5)
#: Default retry delays (``MAIL_RETRY_FIRST_SECONDS``, ``MAIL_RETRY_MAX_SECONDS``): from
#: 30 s, doubling, up to one hour.
FIRST_RETRY = dt.timedelta(seconds=30)
MAX_RETRY = dt.timedelta(hours=1)


class UndeliverableAddress(DomainError):
    """The address cannot be sent through this SMTP server at all; not worth a retry."""

    code = "undeliverable_address"


class SmtpUtf8Unsupported(UndeliverableAddress):
    """The mailbox name has non-ASCII characters and the server does not offer SMTPUTF8."""

    code = "smtputf8_unsupported"


class InvalidDomain(UndeliverableAddress):
    """The address's domain is not a valid (internationalised) domain name."""

    code = "invalid_domain"


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
        # The cleared error marks the message as in flight (see ``force_deferred``); a
        # failure writes it again.
        .values(next_attempt_at=now + CLAIM_LEASE, attempts=table.c.attempts + 1,
                last_error="")
    )
    db.session.commit()
    return result.rowcount == 1


def _ascii_domain(domain: str) -> str:
    """The domain as an ASCII (IDNA, "xn--") name; raises InvalidDomain."""
    try:
        domain.encode("ascii")
    except UnicodeEncodeError:
        try:
            return idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as error:
            raise InvalidDomain(f"invalid_domain: {domain!r} is not a valid domain name "
                                f"({error})") from error
    return domain


def envelope_address(address: str, smtputf8: bool) -> str:
    """The address as it can travel through a server with or without SMTPUTF8.

    With SMTPUTF8 every address goes as it is. Without it, a non-ASCII domain is written
    in IDNA (``user@bücher.example`` -> ``user@xn--bcher-kva.example``), and a non-ASCII
    mailbox name (``zoë@...``) cannot be sent at all: SmtpUtf8Unsupported.
    """
    if smtputf8 or address.isascii():
        return address
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise SmtpUtf8Unsupported(
            "smtputf8_unsupported: the mail server does not offer SMTPUTF8, so it cannot "
            f"deliver to {address!r} (non-ASCII characters before the @)")
    return f"{local}@{_ascii_domain(domain)}"


def _build(message: OutboxMessage, sender: str, recipient: str,
           smtputf8: bool) -> EmailMessage:
    """The MIME message: text and HTML alternatives, quoted-printable (7-bit clean) bodies;
    headers in UTF-8 when the server takes SMTPUTF8, else RFC 2047 encoded."""
    policy = email.policy.SMTPUTF8 if smtputf8 else email.policy.SMTP
    msg = EmailMessage(policy=policy)
    msg["Subject"] = message.subject
    msg["From"] = sender
    msg["To"] = recipient
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = make_msgid(domain=_ascii_domain(
        parseaddr(sender)[1].rpartition("@")[2] or "localhost"))
    msg["X-Outbox-Id"] = str(message.id)
    msg.set_content(message.body_text, subtype="plain", cte="quoted-printable")
    if message.body_html:
        msg.add_alternative(message.body_html, subtype="html", cte="quoted-printable")
    return msg


def _send(connection: smtplib.SMTP, message: OutboxMessage) -> None:
    """Send one message, with SMTPUTF8 when an address needs it and the server offers it."""
    connection.ehlo_or_helo_if_needed()
    offers_smtputf8 = connection.has_extn("smtputf8")
    sender_header = current_app.config["MAIL_DEFAULT_SENDER"]
    if isinstance(sender_header, tuple | list):  # Flask-Mail also allows (name, address)
        sender_header = f"{sender_header[0]} <{sender_header[1]}>"
    sender = parseaddr(sender_header)[1]
    needs_smtputf8 = not (sender.isascii() and message.recipient.isascii())
    smtputf8 = offers_smtputf8 and needs_smtputf8
    envelope_sender = envelope_address(sender, smtputf8)
    recipient = envelope_address(message.recipient, smtputf8)
    if envelope_sender != sender:
        sender_header = sender_header.replace(sender, envelope_sender)
    msg = _build(message, sender_header, recipient, smtputf8)
    options = ["SMTPUTF8"] if smtputf8 else []
    connection.sendmail(envelope_sender, [recipient], msg.as_bytes(), mail_options=options)


def _is_permanent(error: Exception) -> bool:
    """The message can never be delivered as it is: no retries.

    An address the server cannot take (no SMTPUTF8, invalid domain) and an SMTP 5xx reply
    (for every recipient) are permanent; 4xx replies and connection errors are temporary.
    """
    if isinstance(error, UndeliverableAddress | smtplib.SMTPNotSupportedError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def failure_code(message: OutboxMessage) -> str:
    """The stable code of a known failure reason (e.g. ``smtputf8_unsupported``), or ""."""
    prefix = message.last_error.partition(":")[0]
    known = {SmtpUtf8Unsupported.code, InvalidDomain.code}
    return prefix if prefix in known else ""


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
                if not isinstance(error, UndeliverableAddress):  # nothing was sent
                    connection = _close(connection)
                if isinstance(error, UndeliverableAddress):
                    message.last_error = error.message[:2000]
                else:
                    message.last_error = f"{type(error).__name__}: {error}"[:2000]
                permanent = stage == "send" and _is_permanent(error)
                if message.attempts >= max_attempts or permanent:
                    message.status = OutboxStatus.FAILED
                    report.failed += 1
                else:
                    message.next_attempt_at = now + configured_retry_delay(message.attempts)
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
