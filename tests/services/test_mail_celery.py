"""A real Celery worker, fed through Redis, writes a bulk message's outbox rows and runs
the scheduled-email tick; a real SMTP server then receives the mail."""

from __future__ import annotations

import datetime as dt

from conference.extensions import db
from conference.models import (
    BulkMessage,
    JobState,
    OutboxMessage,
    ScheduleAnchor,
    ScheduleRule,
)
from conference.models.types import utcnow
from conference.services.messaging.bulk import BULK_KIND
from conference.services.messaging.outbox import deliver_pending
from conference.services.messaging.schedules import SCHEDULED_KIND
from tests.services.test_jobs_celery import _wait_for
from tests.services.test_jobs_celery import app_config as app_config  # noqa: F401
from tests.services.test_jobs_celery import broker as broker  # noqa: F401
from tests.services.test_jobs_celery import celery_worker as celery_worker  # noqa: F401


def _rows(kind) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.kind == kind)).scalars())


def test_a_celery_worker_queues_a_bulk_message_sent_from_the_compose_page(
        app, client, celery_worker, mail_world, login, smtp_server):
    process, log_path = celery_worker
    login(client, mail_world["organizer"])
    response = client.post(f"/manage/{mail_world['event'].slug}/emails/compose", data={
        "kind": "attendees", "state": "confirmed", "per_minute": "600",
        "session": str(mail_world["workshop"].id), "expected_count": "2", "send": "1",
        "subject-pl": "Zmiana sali", "body-pl": "Warsztat B: sala 2, {first_name}."})
    assert response.status_code == 302
    assert _rows(BULK_KIND) == []  # the request only started the job

    def done():
        assert process.poll() is None, log_path.read_text()[-3000:]
        db.session.expire_all()
        message = db.session.execute(db.select(BulkMessage)).scalar_one()
        return message.job.state in (JobState.DONE, JobState.FAILED) and message

    message = _wait_for(done, 90, "the worker did not queue the bulk message", log_path)
    assert message.job.state is JobState.DONE, message.job.error_message
    assert sorted(r.recipient for r in _rows(BULK_KIND)) == ["cleo@example.org",
                                                             "ola@example.org"]
    deliver_pending(now=utcnow() + dt.timedelta(minutes=5))
    assert "Warsztat B: sala 2, Ola." in smtp_server.to("ola@example.org")[0].get_body(
        ("plain",)).get_content()


def test_a_celery_worker_runs_the_scheduled_email_tick(app, celery_worker, mail_world,
                                                        make_session):
    process, log_path = celery_worker
    from conference.models import SeatBooking

    now = utcnow()
    soon = make_session(mail_world["event"], title="Starts soon")
    soon.starts_at = now + dt.timedelta(minutes=30)
    soon.ends_at = now + dt.timedelta(minutes=90)
    db.session.add(SeatBooking(session_id=soon.id, registration_id=mail_world["ben"].id))
    mail_world["ben"].created_at = now - dt.timedelta(days=2)  # registered before the moment
    db.session.add(ScheduleRule(event_id=mail_world["event"].id,
                                anchor=ScheduleAnchor.SESSION_START, offset_minutes=-60,
                                audience={}, subject="Soon", body="Starts soon, {first_name}",
                                created_at=now - dt.timedelta(days=1)))
    db.session.commit()
    app.extensions["celery"].send_task("jobs.mail.run_schedules")

    def queued():
        assert process.poll() is None, log_path.read_text()[-3000:]
        return _rows(SCHEDULED_KIND)

    [row] = _wait_for(queued, 60, "the worker did not run the tick", log_path)
    assert row.recipient == "ben@example.org"
