"""The demo sends no real mail: its messages are recorded as not sent."""

from __future__ import annotations

from conference.demo import load_demo
from conference.extensions import db
from conference.models import OutboxMessage, OutboxStatus
from conference.services.messaging.outbox import deliver_pending, force_deferred, run_worker


def test_after_loading_the_demo_a_worker_round_delivers_nothing(app, smtp_server):
    load_demo()
    statuses = db.session.execute(db.select(OutboxMessage.status)).scalars().all()
    assert len(statuses) > 50  # the demo's mail is still there, visible
    assert set(statuses) == {OutboxStatus.SKIPPED}
    run_worker(once=True)
    force_deferred()
    assert deliver_pending(limit=10_000).sent == 0
    assert smtp_server.messages == []


def test_the_demo_command_reports_the_mail_it_did_not_send(app, smtp_server):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "emails recorded as not sent (demo data)" in result.output
    send = app.test_cli_runner().invoke(args=["mail", "send-pending", "--now"])
    assert send.output.strip() == "sent=0 deferred=0 failed=0"
    assert smtp_server.messages == []
