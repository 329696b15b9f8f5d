"""The organizers' bulk email and schedule pages: count, preview, test send, send, and the
clear refusals (unknown merge field, HTML, empty group, a schedule in the past)."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import BulkMessage, OutboxMessage, ScheduleRule
from conference.services.messaging.bulk import BULK_KIND, TEST_KIND


@pytest.fixture
def organizer_client(client, mail_world, login):
    login(client, mail_world["organizer"])
    return client


def _form(world, **fields) -> dict:
    data = {"kind": "attendees", "state": "confirmed", "per_minute": "600",
            "subject-pl": "Zmiana sali", "subject-en": "Room change",
            "body-pl": "Cześć {first_name}, warsztat B jest w sali 2.",
            "body-en": "Hello {first_name}, workshop B is in room 2."}
    data.update(fields)
    return data


def _url(world, page="compose") -> str:
    return f"/manage/{world['event'].slug}/emails/{page}"


def _outbox(kind) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.kind == kind)).scalars())


def test_the_compose_page_counts_the_group(organizer_client, mail_world):
    page = organizer_client.get(_url(mail_world)).get_data(as_text=True)
    assert "3 recipients" in page


def test_the_count_follows_the_workshop_filter(organizer_client, mail_world):
    data = _form(mail_world, session=str(mail_world["workshop"].id), preview="1")
    page = organizer_client.post(_url(mail_world), data=data).get_data(as_text=True)
    assert "2 recipients" in page


def test_the_preview_shows_a_chosen_recipient_in_their_language(organizer_client,
                                                                 mail_world):
    data = _form(mail_world, preview="1", preview_for="ola@example.org")
    page = organizer_client.post(_url(mail_world), data=data).get_data(as_text=True)
    assert "Cześć Ola, warsztat B jest w sali 2." in page
    data = _form(mail_world, preview="1", preview_for="ben@example.org")
    page = organizer_client.post(_url(mail_world), data=data).get_data(as_text=True)
    assert "Hello Ben, workshop B is in room 2." in page
    assert _outbox(BULK_KIND) == []


def test_a_test_send_goes_only_to_the_organizer(organizer_client, mail_world):
    data = _form(mail_world, test="1", preview_for="ola@example.org")
    organizer_client.post(_url(mail_world), data=data)
    [test] = _outbox(TEST_KIND)
    assert test.recipient == "boss@example.org"
    assert "Cześć Ola" in test.body_text
    assert _outbox(BULK_KIND) == []


def test_sending_queues_one_message_per_recipient_and_shows_its_progress(organizer_client,
                                                                        mail_world):
    data = _form(mail_world, session=str(mail_world["workshop"].id), send="1",
                 expected_count="2")
    response = organizer_client.post(_url(mail_world), data=data)
    assert response.status_code == 302
    rows = _outbox(BULK_KIND)
    assert sorted(r.recipient for r in rows) == ["cleo@example.org", "ola@example.org"]
    page = organizer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zmiana sali" in page and "cleo@example.org" in page
    [message] = db.session.execute(db.select(BulkMessage)).scalars().all()
    status = organizer_client.get(_url(mail_world, f"bulk/{message.id}/status.json")).json
    assert (status["recipients"], status["queued"], status["delivered"]) == (2, 2, 0)
    history = organizer_client.get(_url(mail_world, "bulk/")).get_data(as_text=True)
    assert "boss@example.org" in history


def test_sending_after_the_group_changed_is_refused(organizer_client, mail_world):
    data = _form(mail_world, send="1", expected_count="5")
    page = organizer_client.post(_url(mail_world), data=data).get_data(as_text=True)
    assert "The group has changed: it now has 3 recipients" in page
    assert _outbox(BULK_KIND) == []


def test_an_unknown_merge_field_is_a_form_error_and_nothing_is_sent(organizer_client,
                                                                    mail_world):
    data = _form(mail_world, send="1", expected_count="3", **{"body-en": "Hi {firstname}"})
    page = organizer_client.post(_url(mail_world), data=data).get_data(as_text=True)
    assert "Unknown merge field: {firstname}" in page
    assert _outbox(BULK_KIND) == [] and db.session.execute(
        db.select(BulkMessage)).first() is None


def test_html_in_the_text_is_a_form_error_and_nothing_is_sent(organizer_client, mail_world):
    data = _form(mail_world, send="1", expected_count="3",
                 **{"body-pl": "<script>alert(1)</script>"})
    page = organizer_client.post(_url(mail_world), data=data).get_data(as_text=True)
    assert "HTML is not allowed" in page
    assert "<script>alert(1)" not in page.replace("&lt;script&gt;", "")
    assert _outbox(BULK_KIND) == []


def test_an_empty_group_is_a_clear_message_and_nothing_is_sent(organizer_client, mail_world):
    data = _form(mail_world, q="nobody-is-called-this", send="1", expected_count="0")
    page = organizer_client.post(_url(mail_world), data=data).get_data(as_text=True)
    assert "Nobody is in this group" in page
    assert _outbox(BULK_KIND) == []


def _schedule(world, **fields) -> dict:
    data = {"amount": "1", "unit": "days", "direction": "before", "anchor": "event_start",
            "kind": "attendees", "state": "confirmed",
            "subject-pl": "Jutro", "subject-en": "Tomorrow",
            "body-pl": "Do zobaczenia, {first_name}", "body-en": "See you, {first_name}"}
    data.update(fields)
    return data


def test_an_organizer_saves_a_reminder_for_the_day_before(organizer_client, mail_world):
    response = organizer_client.post(_url(mail_world, "schedules/new"),
                                     data=_schedule(mail_world))
    assert response.status_code == 302
    [rule] = db.session.execute(db.select(ScheduleRule)).scalars().all()
    assert rule.offset_minutes == -1440 and rule.anchor.value == "event_start"
    page = organizer_client.get(_url(mail_world, "schedules/")).get_data(as_text=True)
    assert "1 day" in page and "Tomorrow" in page
    edit = organizer_client.get(_url(mail_world, f"schedules/{rule.id}/")).get_data(
        as_text=True)
    assert 'value="Jutro"' in edit


def test_a_schedule_in_the_past_is_a_form_error(organizer_client, mail_world):
    data = _schedule(mail_world, amount="200", unit="days")  # 2026-10-24: past
    page = organizer_client.post(_url(mail_world, "schedules/new"), data=data).get_data(
        as_text=True)
    assert "This moment is already past" in page
    assert db.session.execute(db.select(ScheduleRule)).first() is None


def test_a_schedule_is_switched_off_and_on(organizer_client, mail_world):
    organizer_client.post(_url(mail_world, "schedules/new"), data=_schedule(mail_world))
    [rule] = db.session.execute(db.select(ScheduleRule)).scalars().all()
    organizer_client.post(_url(mail_world, f"schedules/{rule.id}/switch"))
    db.session.expire_all()
    assert db.session.get(ScheduleRule, rule.id).active is False
