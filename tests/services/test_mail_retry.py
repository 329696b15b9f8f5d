"""Retry back-off is configurable, and the operator can send deferred mail right away."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import OutboxMessage, OutboxStatus
from conference.services.messaging.outbox import (
    deliver_pending,
    enqueue_mail,
    force_deferred,
    retry_delay,
)
from config import load_config
from tests.fixtures.smtp import SMTPServer, free_port

NOW = dt.datetime(2030, 5, 1, 9, 0, tzinfo=dt.UTC)


def _queue(recipient="anna@example.org") -> OutboxMessage:
    message = enqueue_mail(kind="test.generic", recipient=recipient, subject="Hello",
                           template="generic", context={"subject": "Hello", "body": "x"})
    db.session.commit()
    return message


def _reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


@pytest.fixture
def smtp_down(app):
    """A server that is down until the test calls ``start()``."""
    server = SMTPServer(free_port())
    app.config["MAIL_PORT"] = server.port
    yield server
    server.stop()


def test_retry_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAIL_RETRY_FIRST_SECONDS", "5")
    monkeypatch.setenv("MAIL_RETRY_MAX_SECONDS", "600")
    config = load_config()
    assert (config["MAIL_RETRY_FIRST_SECONDS"], config["MAIL_RETRY_MAX_SECONDS"]) == (5, 600)


def test_the_back_off_follows_the_configured_first_and_longest_wait(app, smtp_down):
    app.config["MAIL_RETRY_FIRST_SECONDS"] = 7
    app.config["MAIL_RETRY_MAX_SECONDS"] = 20
    message = _queue()
    moment = NOW
    waits = []
    for _ in range(4):
        deliver_pending(now=moment)
        next_try = _reload(message).next_attempt_at
        waits.append((next_try - moment).total_seconds())
        moment = next_try
    assert waits == [7, 14, 20, 20]


def test_retry_delay_never_overflows():
    assert retry_delay(10_000) == dt.timedelta(hours=1)


def test_force_deferred_makes_waiting_messages_due_now(app, smtp_down):
    message = _queue()
    deliver_pending(now=NOW)
    assert _reload(message).next_attempt_at > NOW
    smtp_down.start()
    assert deliver_pending(now=NOW).sent == 0  # still waiting for its back-off
    assert force_deferred(now=NOW) == 1
    assert deliver_pending(now=NOW).sent == 1
    assert len(smtp_down.messages) == 1


def test_force_deferred_leaves_a_message_a_worker_is_sending(app, smtp_server):
    message = _queue()
    in_flight = _reload(message)
    # What a worker's claim does: a lease in the future, the error cleared.
    in_flight.next_attempt_at = NOW + dt.timedelta(minutes=5)
    in_flight.attempts = 1
    in_flight.last_error = ""
    db.session.commit()
    assert force_deferred(now=NOW) == 0
    assert deliver_pending(now=NOW).sent == 0
    assert smtp_server.messages == []


def test_send_pending_without_now_leaves_deferred_messages_waiting(app, smtp_down):
    message = _queue()
    deliver_pending(now=NOW)
    smtp_down.start()
    result = app.test_cli_runner().invoke(args=["mail", "send-pending"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent=0 deferred=0 failed=0"
    assert _reload(message).status is OutboxStatus.PENDING


def test_send_pending_now_sends_deferred_messages_at_once(app, smtp_down):
    app.config["MAIL_RETRY_FIRST_SECONDS"] = 3600
    deferred = _queue()
    deliver_pending()  # SMTP down: deferred for an hour
    assert _reload(deferred).last_error
    due = _queue(recipient="other@example.org")
    smtp_down.start()
    result = app.test_cli_runner().invoke(args=["mail", "send-pending", "--now"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent=2 deferred=0 failed=0"
    assert sorted(m["To"] for m in smtp_down.messages) == ["anna@example.org",
                                                          "other@example.org"]
    assert _reload(deferred).status is OutboxStatus.SENT
    assert _reload(due).status is OutboxStatus.SENT
