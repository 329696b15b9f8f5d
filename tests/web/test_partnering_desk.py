"""The partnering desk: the page, the badge-pair scan API and the Held / No-show buttons."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import MeetingOutcome, Role


@pytest.fixture
def desk_scene(make_event, make_registration, make_partnering_settings, make_partnering_window,
               make_partnering_profile, make_meeting_request, make_user):
    """A meeting at table 3 in the slot running now; a logged-in door user."""
    event = make_event()
    make_partnering_settings(event, published_at=dt.datetime.now(dt.UTC))
    start = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
    window = make_partnering_window(event, start=start, slots=3)
    anna = make_partnering_profile(event, make_registration(event, first_name="Anna"))
    bea = make_partnering_profile(event, make_registration(event, first_name="Bea",
                                                           country="ES"), country="ES")
    carl = make_partnering_profile(event, make_registration(event, first_name="Carl"))
    meeting = make_meeting_request(anna, bea, slot_id=window.slots[0].id, table_number=3)
    later = make_meeting_request(carl, anna, slot_id=window.slots[2].id, table_number=1)
    door = make_user(Role.DOOR, events=[event])
    return {"event": event, "anna": anna, "bea": bea, "carl": carl, "meeting": meeting,
            "later": later, "door": door}


@pytest.fixture
def door_client(client, login, desk_scene):
    login(client, desk_scene["door"])
    return client


def _scan(client, scene, code, first_code=None):
    return client.post(f"/checkin/api/{scene['event'].slug}/partnering/scan",
                       json={"code": code, "first_code": first_code})


def _code(scene, who):
    return scene[who].registration.ticket_code


def test_desk_page_lists_the_current_slots_meetings_with_buttons(door_client, desk_scene):
    page = door_client.get(f"/checkin/{desk_scene['event'].slug}/partnering")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'id="desk-meeting-{desk_scene["meeting"].id}"' in text
    assert f'id="desk-meeting-{desk_scene["later"].id}"' not in text
    assert "No-show" in text


def test_first_badge_answers_with_the_meeting_and_waits(door_client, desk_scene):
    data = _scan(door_client, desk_scene, _code(desk_scene, "anna")).get_json()
    assert (data["status"], data["result"]) == ("ok", "waiting")
    assert data["meeting"]["table"] == 3 and data["partner"]["name"].startswith("Bea")
    assert desk_scene["meeting"].outcome is None


def test_partner_badge_marks_the_meeting_held(door_client, desk_scene):
    data = _scan(door_client, desk_scene, _code(desk_scene, "bea"),
                 _code(desk_scene, "anna")).get_json()
    assert data["result"] == "held"
    db.session.expire_all()
    assert desk_scene["meeting"].outcome is MeetingOutcome.HELD


@pytest.mark.parametrize(("body", "status", "reason"), [
    ({"code": "not a badge"}, 400, "malformed"),
    ({"code": ["list"]}, 400, "malformed"),
    ({"code": "ABCDEFGHJKMNPQRSTU"}, 404, "unknown_code"),
    ({"nothing": 1}, 400, "bad_json"),
    ([1, 2], 400, "bad_json"),
])
def test_bad_scans_get_a_reason_code(door_client, desk_scene, body, status, reason):
    response = door_client.post(f"/checkin/api/{desk_scene['event'].slug}/partnering/scan",
                                json=body)
    assert (response.status_code, response.get_json()["reason"]) == (status, reason)


def test_a_badge_of_another_event_is_refused(door_client, desk_scene, make_event,
                                             make_registration):
    other = make_registration(make_event())
    response = _scan(door_client, desk_scene, other.ticket_code)
    assert (response.status_code, response.get_json()["reason"]) == (403, "wrong_event")


def test_someone_outside_partnering_is_refused(door_client, desk_scene, make_registration):
    response = _scan(door_client, desk_scene, make_registration(desk_scene["event"]).ticket_code)
    assert (response.status_code, response.get_json()["reason"]) == (404, "not_a_participant")


def test_someone_without_a_meeting_now_is_told_the_next_one(door_client, desk_scene):
    response = _scan(door_client, desk_scene, _code(desk_scene, "carl"))
    data = response.get_json()
    assert (response.status_code, data["reason"]) == (409, "no_meeting_now")
    assert data["next_meeting"]["id"] == desk_scene["later"].id


def test_two_badges_that_are_not_partners_are_refused(door_client, desk_scene):
    response = _scan(door_client, desk_scene, _code(desk_scene, "anna"),
                     first_code=_code(desk_scene, "carl"))
    assert (response.status_code, response.get_json()["reason"]) == (409, "not_partners")


def test_a_reviewer_may_not_scan(client, login, make_user, desk_scene):
    login(client, make_user(Role.REVIEWER, events=[desk_scene["event"]]))
    assert _scan(client, desk_scene, _code(desk_scene, "anna")).status_code == 403


def test_anonymous_scans_get_a_json_401(client, desk_scene):
    response = _scan(client, desk_scene, _code(desk_scene, "anna"))
    assert (response.status_code, response.get_json()["reason"]) == (401, "login_required")


@pytest.mark.parametrize("outcome", [MeetingOutcome.HELD, MeetingOutcome.NO_SHOW])
def test_outcome_buttons_mark_the_meeting(door_client, desk_scene, outcome):
    meeting = desk_scene["meeting"]
    response = door_client.post(
        f"/checkin/{desk_scene['event'].slug}/partnering/meetings/{meeting.id}/outcome",
        data={"outcome": outcome.value})
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.outcome is outcome


def test_an_unknown_outcome_is_refused_with_a_message(door_client, desk_scene):
    meeting = desk_scene["meeting"]
    response = door_client.post(
        f"/checkin/{desk_scene['event'].slug}/partnering/meetings/{meeting.id}/outcome",
        data={"outcome": "maybe"}, follow_redirects=True)
    assert "Choose held or no-show." in response.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.outcome is None


def test_outcome_for_a_meeting_of_another_event_is_404(door_client, desk_scene, make_event,
                                                       make_partnering_profile,
                                                       make_meeting_request):
    elsewhere = make_event()
    other = make_meeting_request(make_partnering_profile(elsewhere),
                                 make_partnering_profile(elsewhere))
    response = door_client.post(
        f"/checkin/{desk_scene['event'].slug}/partnering/meetings/{other.id}/outcome",
        data={"outcome": "held"})
    assert response.status_code == 404
