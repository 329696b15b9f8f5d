"""Organizers see an event's emails and, for each that was not sent, why."""

from __future__ import annotations

import datetime as dt

from conference.extensions import db
from conference.models import OutboxMessage, OutboxStatus, Role
from conference.services.messaging.outbox import deliver_pending, enqueue_mail

NOW = dt.datetime(2030, 5, 1, 9, 0, tzinfo=dt.UTC)


def _queue(event, recipient: str, subject: str = "Hello") -> OutboxMessage:
    message = enqueue_mail(kind="test.generic", recipient=recipient, subject=subject,
                           template="generic", context={"subject": subject, "body": "x"},
                           event=event)
    db.session.commit()
    return message


def test_the_emails_page_says_why_a_non_ascii_address_failed(desk, smtp_server):
    _queue(desk.event, "zoë@example.org", subject="Your registration")
    _queue(desk.event, "anna@example.org", subject="Also yours")
    deliver_pending(now=NOW)
    page = desk.client.get(f"/manage/{desk.event.slug}/emails/?status=failed")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "zoë@example.org" in text and "SMTPUTF8" in text
    assert "anna@example.org" not in text  # sent, so not among the failed
    everything = desk.client.get(f"/manage/{desk.event.slug}/emails/").get_data(as_text=True)
    assert "anna@example.org" in everything and "zoë@example.org" in everything


def test_the_failure_reason_is_shown_in_polish(desk, smtp_server):
    _queue(desk.event, "zoë@example.org")
    deliver_pending(now=NOW)
    desk.client.set_cookie("lang", "pl")
    text = desk.client.get(f"/manage/{desk.event.slug}/emails/?status=failed",
                           headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "nieudany" in text and "Nie można doręczyć" in text and "SMTPUTF8" in text


def test_a_registration_page_lists_its_emails_with_the_failure_reason(
        desk, smtp_server, sign_up, make_ticket_type):
    ticket_type = make_ticket_type(desk.event)
    registration = sign_up(desk.event, ticket_type, who={"email": "zażółć@example.com"})
    db.session.commit()
    deliver_pending(now=NOW)
    failed = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert failed.status is OutboxStatus.FAILED
    page = desk.client.get(f"/manage/{desk.event.slug}/registrations/{registration.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert failed.subject in text
    assert "SMTPUTF8" in text


def test_an_unknown_status_filter_is_a_400(desk):
    assert desk.client.get(f"/manage/{desk.event.slug}/emails/?status=%00").status_code == 400


def test_door_staff_and_other_events_organizers_cannot_see_the_emails(
        app, desk, make_event, make_user, login):
    other_event = make_event()
    door = make_user(Role.DOOR, events=[desk.event])
    other_organizer = make_user(Role.ORGANIZER, events=[other_event])
    for user in (door, other_organizer):
        client = app.test_client()
        login(client, user)
        assert client.get(f"/manage/{desk.event.slug}/emails/").status_code == 403
