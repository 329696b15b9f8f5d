"""Mail to every address: SMTPUTF8 when the server offers it, IDNA domains, and a clear,
immediate failure when an address cannot pass the server at all."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import OutboxMessage, OutboxStatus
from conference.services.messaging.outbox import (
    InvalidDomain,
    SmtpUtf8Unsupported,
    deliver_pending,
    enqueue_mail,
    envelope_address,
    failure_code,
)

NOW = dt.datetime(2030, 5, 1, 9, 0, tzinfo=dt.UTC)


def _queue(recipient: str, subject: str = "Twoja rejestracja") -> OutboxMessage:
    message = enqueue_mail(kind="test.generic", recipient=recipient, subject=subject,
                           template="generic", context={"subject": subject, "body": "Cześć"})
    db.session.commit()
    return message


def _reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


@pytest.mark.parametrize("address", ["zoë@example.org", "zażółć@example.com"])
def test_a_non_ascii_mailbox_is_delivered_with_smtputf8(app, smtputf8_server, address):
    message = _queue(address)
    report = deliver_pending(now=NOW)
    assert (report.sent, report.deferred, report.failed) == (1, 0, 0)
    [envelope] = smtputf8_server.envelopes
    assert envelope.rcpt_tos == (address,)
    assert envelope.smtp_utf8 is True
    [received] = smtputf8_server.messages
    assert received["To"] == address
    assert received["Subject"] == "Twoja rejestracja"
    assert "Cześć" in received.get_body(("plain",)).get_content()
    assert _reload(message).status is OutboxStatus.SENT


def test_an_ascii_address_does_not_ask_for_smtputf8_even_when_offered(app, smtputf8_server):
    _queue("anna@example.org")
    assert deliver_pending(now=NOW).sent == 1
    [envelope] = smtputf8_server.envelopes
    assert envelope.smtp_utf8 is False
    assert envelope.rcpt_tos == ("anna@example.org",)


def test_a_non_ascii_mailbox_fails_at_once_with_the_reason_without_smtputf8(app, smtp_server):
    unreachable = _queue("zoë@example.org")
    ordinary = _queue("anna@example.org")
    report = deliver_pending(now=NOW)
    assert (report.sent, report.deferred, report.failed) == (1, 0, 1)
    failed = _reload(unreachable)
    assert failed.status is OutboxStatus.FAILED
    assert failed.attempts == 1  # not retried: it can never pass this server
    assert failure_code(failed) == "smtputf8_unsupported"
    assert "SMTPUTF8" in failed.last_error and "zoë@example.org" in failed.last_error
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [("anna@example.org",)]
    assert _reload(ordinary).status is OutboxStatus.SENT
    assert deliver_pending(now=NOW + dt.timedelta(days=1)).sent == 0


def test_an_idna_domain_is_sent_in_ascii_without_smtputf8(app, smtp_server):
    message = _queue("user@bücher.example")
    assert deliver_pending(now=NOW).sent == 1
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ("user@xn--bcher-kva.example",)
    assert envelope.smtp_utf8 is False
    [received] = smtp_server.messages
    assert received["To"] == "user@xn--bcher-kva.example"
    assert _reload(message).status is OutboxStatus.SENT


def test_an_idna_domain_goes_as_it_is_with_smtputf8(app, smtputf8_server):
    _queue("user@bücher.example")
    assert deliver_pending(now=NOW).sent == 1
    [envelope] = smtputf8_server.envelopes
    assert envelope.rcpt_tos == ("user@bücher.example",)
    assert envelope.smtp_utf8 is True


def test_envelope_addresses_with_and_without_smtputf8():
    assert envelope_address("anna@example.org", smtputf8=False) == "anna@example.org"
    assert envelope_address("zoë@bücher.example", smtputf8=True) == "zoë@bücher.example"
    assert envelope_address("jan@żółw.pl", smtputf8=False) == "jan@xn--w-uga1v8h.pl"
    with pytest.raises(SmtpUtf8Unsupported):
        envelope_address("zoë@example.org", smtputf8=False)
    with pytest.raises(InvalidDomain):
        envelope_address("jan@bü-.example", smtputf8=False)


def test_an_invalid_international_domain_fails_at_once_with_the_reason(app, smtp_server):
    message = _queue("jan@bü-.example")
    assert deliver_pending(now=NOW).failed == 1
    failed = _reload(message)
    assert failed.status is OutboxStatus.FAILED and failed.attempts == 1
    assert failure_code(failed) == "invalid_domain"
    assert smtp_server.messages == []


def test_a_non_ascii_sender_name_arrives_intact_without_smtputf8(app, smtp_server):
    app.config["MAIL_DEFAULT_SENDER"] = "Konferencja Łódź <noreply@lsos.example>"
    _queue("anna@example.org")
    assert deliver_pending(now=NOW).sent == 1
    [received] = smtp_server.messages
    assert received["From"] == "Konferencja Łódź <noreply@lsos.example>"
    assert smtp_server.envelopes[0].mail_from == "noreply@lsos.example"


class _DataReply:
    """A server that answers DATA with the given reply."""

    def __init__(self, reply: str):
        self.reply = reply

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        return self.reply


@pytest.fixture
def data_reply_server(smtp_handler_server):
    return lambda reply: smtp_handler_server(_DataReply(reply))


def test_a_5xx_reply_fails_the_message_at_once(app, data_reply_server):
    data_reply_server("554 5.6.0 message refused")
    message = _queue("anna@example.org")
    assert deliver_pending(now=NOW).failed == 1
    failed = _reload(message)
    assert failed.status is OutboxStatus.FAILED and failed.attempts == 1
    assert "message refused" in failed.last_error


def test_a_4xx_reply_is_retried(app, data_reply_server):
    data_reply_server("451 4.3.0 try again later")
    message = _queue("anna@example.org")
    assert deliver_pending(now=NOW).deferred == 1
    deferred = _reload(message)
    assert deferred.status is OutboxStatus.PENDING and "try again later" in deferred.last_error
