"""SMTP for the outbox: the MIME message, envelope addresses with or without SMTPUTF8, a
connection with a timeout, and which failures are permanent."""

from __future__ import annotations

import contextlib
import email.policy
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import idna
from flask import current_app

from conference.models import OutboxMessage
from conference.models.types import utcnow
from conference.services import DomainError


class UndeliverableAddress(DomainError):
    """The address cannot be sent through this SMTP server at all; not worth a retry."""

    code = "undeliverable_address"


class SmtpUtf8Unsupported(UndeliverableAddress):
    """The mailbox name has non-ASCII characters and the server does not offer SMTPUTF8."""

    code = "smtputf8_unsupported"


class InvalidDomain(UndeliverableAddress):
    """The address's domain is not a valid (internationalised) domain name."""

    code = "invalid_domain"


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


def build_message(message: OutboxMessage, sender: str, recipient: str,
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
    if message.list_unsubscribe:
        # RFC 8058 one-click unsubscribe (RFC 2369 header): mail clients show a button that
        # POSTs "List-Unsubscribe=One-Click" to the URL.
        msg["List-Unsubscribe"] = f"<{message.list_unsubscribe}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg["Precedence"] = "bulk"
    msg.set_content(message.body_text, subtype="plain", cte="quoted-printable")
    if message.body_html:
        msg.add_alternative(message.body_html, subtype="html", cte="quoted-printable")
    return msg


def send_message(connection: smtplib.SMTP, message: OutboxMessage) -> None:
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
    msg = build_message(message, sender_header, recipient, smtputf8)
    options = ["SMTPUTF8"] if smtputf8 else []
    connection.sendmail(envelope_sender, [recipient], msg.as_bytes(), mail_options=options)


def is_permanent(error: Exception) -> bool:
    """The message can never be delivered as it is: no retries.

    An address the server cannot take (no SMTPUTF8, invalid domain) and an SMTP 5xx reply
    (for every recipient) are permanent; 4xx replies and connection errors are temporary.
    """
    if isinstance(error, UndeliverableAddress | smtplib.SMTPNotSupportedError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def connect() -> smtplib.SMTP:
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
        close(connection)
        raise
    return connection


def close(connection):
    if connection is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.quit()
        with contextlib.suppress(OSError):
            connection.close()
    return None
