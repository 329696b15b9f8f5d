"""The beat's periodic work: the tasks it schedules exist, and running them does what the
mail worker's loop does (waiting-list offers pass on, the outbox is delivered)."""

from __future__ import annotations

import datetime as dt

from conference.extensions import db
from conference.models import RegistrationState, WaitlistMode
from conference.models.types import utcnow
from conference.services.registration.core import cancel


def test_the_beat_schedules_registered_tasks_for_mail_and_offers(app):
    celery_app = app.extensions["celery"]
    schedule = celery_app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} >= {
        "jobs.mail.deliver_pending", "jobs.registration.expire_offers"}
    for entry in schedule.values():
        assert entry["task"] in celery_app.tasks
        assert entry["options"]["expires"] <= entry["schedule"].total_seconds()


def test_beat_tasks_pass_a_lapsed_offer_on_and_deliver_its_email(
        app, smtp_server, make_event, make_ticket_type, sign_up):
    celery_app = app.extensions["celery"]
    start = utcnow() - dt.timedelta(hours=10)
    event = make_event(waitlist_mode=WaitlistMode.OFFER, waitlist_offer_hours=2)
    ticket = make_ticket_type(event, capacity=1)
    holder = sign_up(event, ticket, now=start)
    first = sign_up(event, ticket, now=start + dt.timedelta(minutes=1))
    second = sign_up(event, ticket, now=start + dt.timedelta(minutes=2))
    cancel(holder, now=start + dt.timedelta(hours=1))  # first is offered the seat, 2 h
    db.session.commit()
    celery_app.tasks["jobs.mail.deliver_pending"].apply()
    before = len(smtp_server.to(second.email))

    expired = celery_app.tasks["jobs.registration.expire_offers"].apply().get()
    report = celery_app.tasks["jobs.mail.deliver_pending"].apply().get()

    db.session.expire_all()
    assert expired == 1
    assert first.state is RegistrationState.CANCELLED
    assert second.offer_expires_at is not None
    assert report["sent"] >= 2 and report["failed"] == 0
    assert len(smtp_server.to(second.email)) == before + 1
