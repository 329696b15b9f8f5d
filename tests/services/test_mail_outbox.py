"""The outbox: queued in the caller's transaction, delivered by workers with retries."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from conference.extensions import db
from conference.models import OutboxMessage, OutboxStatus
from conference.services.messaging.outbox import (
    FIRST_RETRY,
    MAX_RETRY,
    deliver_pending,
    enqueue_mail,
    release_held,
    retry_delay,
)
from tests.fixtures.smtp import SMTPServer, free_port

#: Later than any message queued by these tests (they are queued "now").
NOW = dt.datetime(2030, 5, 1, 9, 0, tzinfo=dt.UTC)


def _queue(recipient="anna@example.org", subject="Your registration", body="Hello <Anna>",
           event=None, **options) -> OutboxMessage:
    message = enqueue_mail(kind="test.generic", recipient=recipient, subject=subject,
                           template="generic", context={"subject": subject, "body": body},
                           event=event, **options)
    db.session.commit()
    return message


def _reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def _parts(received) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in received.walk()
            if not part.is_multipart()}


def test_a_queued_message_arrives_with_text_and_html_parts(app, smtp_server, make_event):
    event = make_event(name="LSOS 2026", contact_email="info@lsos.example")
    message = _queue(event=event)
    report = deliver_pending(now=NOW)
    assert (report.sent, report.deferred, report.failed) == (1, 0, 0)
    [received] = smtp_server.messages
    assert received["Subject"] == "LSOS 2026: Your registration"  # the event named first
    assert received["To"] == "anna@example.org"
    assert received["X-Outbox-Id"] == str(message.id)
    parts = _parts(received)
    assert "Hello <Anna>" in parts["text/plain"]
    assert "info@lsos.example" in parts["text/plain"]
    assert "Hello &lt;Anna&gt;" in parts["text/html"]
    assert "<Anna>" not in parts["text/html"]
    sent = _reload(message)
    assert sent.status is OutboxStatus.SENT and sent.sent_at is not None
    assert sent.attempts == 1 and sent.event_id == event.id


def test_a_sent_message_is_not_sent_again(app, smtp_server):
    _queue()
    deliver_pending(now=NOW)
    assert deliver_pending(now=NOW + dt.timedelta(days=1)).sent == 0
    assert len(smtp_server.messages) == 1


def test_a_queued_message_is_lost_with_a_rolled_back_transaction(app, smtp_server):
    enqueue_mail(kind="test.generic", recipient="a@example.org", subject="x",
                 template="generic", context={"subject": "x", "body": "y"})
    db.session.rollback()
    assert deliver_pending(now=NOW).sent == 0
    assert smtp_server.messages == []


def test_a_line_break_in_the_subject_cannot_add_headers(app, smtp_server):
    _queue(subject="Hello\nBcc: victim@example.org")
    deliver_pending(now=NOW)
    [received] = smtp_server.messages
    assert received["Bcc"] is None
    assert received["Subject"] == "Hello Bcc: victim@example.org"


def test_retry_delays_grow_and_stop_at_one_hour():
    assert retry_delay(1) == FIRST_RETRY
    assert retry_delay(2) == 2 * FIRST_RETRY
    assert retry_delay(3) == 4 * FIRST_RETRY
    assert retry_delay(30) == MAX_RETRY


@pytest.fixture
def smtp_down(app):
    """A server that is down until the test calls ``start()``."""
    server = SMTPServer(free_port())
    app.config["MAIL_PORT"] = server.port
    yield server
    server.stop()


def test_smtp_down_defers_with_back_off_then_delivers_once(app, smtp_down):
    message = _queue()
    report = deliver_pending(now=NOW)
    assert (report.sent, report.deferred) == (0, 1)
    deferred = _reload(message)
    assert deferred.status is OutboxStatus.PENDING
    assert deferred.attempts == 1
    assert deferred.next_attempt_at == NOW + FIRST_RETRY
    assert "Connection" in deferred.last_error or "refused" in deferred.last_error.lower()

    smtp_down.start()
    assert deliver_pending(now=NOW + FIRST_RETRY / 2).sent == 0  # not due yet
    assert deliver_pending(now=NOW + FIRST_RETRY).sent == 1
    assert deliver_pending(now=NOW + 10 * MAX_RETRY).sent == 0
    assert len(smtp_down.messages) == 1
    delivered = _reload(message)
    assert delivered.status is OutboxStatus.SENT and delivered.attempts == 2
    assert delivered.last_error == ""


def test_smtp_down_stops_the_batch_after_one_try(app, smtp_down):
    messages = [_queue(recipient=f"p{n}@example.org") for n in range(3)]
    report = deliver_pending(now=NOW)
    assert report.deferred == 1
    assert [_reload(m).attempts for m in messages] == [1, 0, 0]
    smtp_down.start()
    assert deliver_pending(now=NOW + FIRST_RETRY).sent == 3


def test_a_message_fails_for_good_after_the_maximum_attempts(app, smtp_down):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    message = _queue()
    moment = NOW
    outcomes = []
    for _ in range(5):
        report = deliver_pending(now=moment)
        outcomes.append((report.deferred, report.failed))
        moment += MAX_RETRY
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    failed = _reload(message)
    assert failed.status is OutboxStatus.FAILED
    assert failed.attempts == 3
    assert failed.last_error
    smtp_down.start()
    assert deliver_pending(now=moment).sent == 0


def test_held_messages_wait_until_released(app, smtp_server):
    held = _queue(hold=True)
    assert _reload(held).status is OutboxStatus.HELD
    assert deliver_pending(now=NOW + dt.timedelta(days=30)).sent == 0
    assert smtp_server.messages == []
    assert release_held([_reload(held)], now=NOW) == 1
    db.session.commit()
    assert deliver_pending(now=NOW).sent == 1
    assert len(smtp_server.messages) == 1


def test_releasing_a_message_that_is_not_held_changes_nothing(app, smtp_server):
    message = _queue()
    deliver_pending(now=NOW)
    assert release_held([_reload(message)], now=NOW) == 0
    assert _reload(message).status is OutboxStatus.SENT


def test_messages_are_written_in_the_recipients_language(app, smtp_server):
    message = _queue(locale="pl", subject="Subject")
    assert _reload(message).subject == "Subject"
    assert '<html lang="pl">' in _reload(message).body_html


@pytest.mark.postgres_only
def test_parallel_workers_never_send_a_message_twice(app, smtp_server):
    total = 40
    for n in range(total):
        enqueue_mail(kind="test.generic", recipient=f"p{n}@example.org", subject=f"#{n}",
                     template="generic", context={"subject": f"#{n}", "body": "x"})
    db.session.commit()
    workers = 4
    barrier = threading.Barrier(workers)
    reports, errors = [], []

    def work():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                reports.append(deliver_pending(limit=1000, now=NOW))
                db.session.remove()
        except Exception as error:  # reported below, with the thread's failure
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    received_ids = [m["X-Outbox-Id"] for m in smtp_server.messages]
    assert len(received_ids) == total
    assert len(set(received_ids)) == total
    assert sum(r.sent for r in reports) == total
    db.session.expire_all()
    assert db.session.execute(
        db.select(db.func.count()).where(OutboxMessage.status == OutboxStatus.SENT)
    ).scalar() == total


def test_the_send_pending_command_delivers_due_messages(app, smtp_server):
    _queue()
    _queue(recipient="other@example.org")
    result = app.test_cli_runner().invoke(args=["mail", "send-pending"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent=2 deferred=0 failed=0"
    assert sorted(m["To"] for m in smtp_server.messages) == ["anna@example.org",
                                                            "other@example.org"]


class _RefusingHandler:
    """An SMTP server that refuses every recipient with the given reply."""

    def __init__(self, reply: str):
        self.reply = reply

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        return self.reply


@pytest.fixture
def refusing_server(smtp_handler_server):
    return lambda reply: smtp_handler_server(_RefusingHandler(reply))


def test_a_recipient_refused_for_good_fails_at_once(app, refusing_server):
    refusing_server("550 5.1.1 no such mailbox")
    message = _queue(recipient="gone@example.org")
    assert deliver_pending(now=NOW).failed == 1
    failed = _reload(message)
    assert failed.status is OutboxStatus.FAILED and failed.attempts == 1
    assert "no such mailbox" in failed.last_error


def test_a_recipient_refused_for_now_is_retried(app, refusing_server):
    refusing_server("450 4.2.1 mailbox busy, try later")
    message = _queue(recipient="busy@example.org")
    assert deliver_pending(now=NOW).deferred == 1
    assert _reload(message).status is OutboxStatus.PENDING
