"""Hostile input is refused where it enters, with a clear 4xx, and nothing saved is lost.

The causes of the 500s an outside probe found (issue 11), one test each; the walk over
every route (test_hostile_input.py) guards the rest.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from conference.extensions import db
from conference.inputs import MAX_JSON_BYTES, json_depth, parse_int
from conference.models import CheckIn, Role, ScanLog, SpeakerUnavailability


@pytest.fixture
def event(make_event, make_cfp):
    event = make_event(slug="input-test")
    make_cfp(event)
    return event


@pytest.fixture
def organizer_client(app, event, make_user, login):
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, events=[event]))
    return client


@pytest.fixture
def gate(event, make_checkpoint):
    return make_checkpoint(event, "Gate 1")


@pytest.fixture
def door_client(app, event, make_user, login):
    client = app.test_client()
    login(client, make_user(Role.DOOR, events=[event]))
    return client


# ------------------------------------------------------------------ URL segments


@pytest.mark.parametrize("path", [
    "/e/%00/", "/e/a%00b/register", "/e/input-test/r/%00/programme",
    "/e/input-test/agenda/%00.ics", "/e/input-test/cfp/p/%ff%fe", "/e/%0a/",
    "/e/input-test/speaker/%C0%AF",
])
def test_a_nul_control_character_or_invalid_utf8_in_a_url_segment_is_a_404(client, event,
                                                                              path):
    assert client.get(path).status_code == 404


def test_a_nul_slug_in_the_scan_api_is_a_json_404(door_client, event):
    response = door_client.post("/checkin/api/%00/scan", json={
        "code": "ABCDEFGHJKMNPQRSTU", "nonce": uuid.uuid4().hex, "checkpoint": 1})
    assert response.status_code == 404
    assert response.get_json()["status"] == "error"


def test_ordinary_unicode_in_a_url_segment_still_matches(client, event):
    assert client.get("/e/zażółć/").status_code == 404  # no such event, but a real lookup
    assert client.get(f"/e/{event.slug}/").status_code == 200


# ------------------------------------------------------------------ query strings and forms


def test_a_nul_in_the_login_form_is_a_400_with_a_message(client):
    response = client.post("/login", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)


def test_a_nul_in_the_door_search_is_a_json_400(door_client, event):
    response = door_client.get(f"/checkin/api/{event.slug}/search?q=an%00na")
    assert response.status_code == 400
    assert response.get_json() == {"status": "error", "reason": "forbidden_characters"}


def test_a_nul_in_the_speaker_profile_is_refused_and_the_profile_kept(client, event,
                                                                       make_proposal):
    speaker = make_proposal(event).submitter
    name = speaker.name
    response = client.post(f"/e/{event.slug}/speaker/{speaker.token}", data={
        "name": "Maria\x00", "affiliation": "UJ", "biography": "", "links": ""})
    assert response.status_code == 400
    db.session.refresh(speaker)
    assert speaker.name == name


def test_the_400_page_is_translated(client):
    response = client.get("/?q=%00", headers={"Accept-Language": "pl"})
    assert response.status_code == 400
    assert "niedozwolone znaki" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/registrations?ticket_type=2147483648", "/registrations/export.csv?ticket_type=2147483648",
    "/registrations/export.xlsx?ticket_type=2147483648", "/registrations?page=2147483648",
    "/cfp/?track=2147483648", "/cfp/?track=%C2%B2", "/badges/?ticket_type=%0D%0A",
])
def test_integers_beyond_the_database_range_in_list_filters_are_ignored(organizer_client,
                                                                         event, path):
    assert organizer_client.get(f"/manage/{event.slug}{path}").status_code == 200


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_date_at_the_end_of_the_calendar_in_speaker_unavailability_gets_a_message(
        client, event, make_proposal, value):
    speaker = make_proposal(event).submitter
    response = client.post(f"/e/{event.slug}/speaker/{speaker.token}/unavailability",
                           data={"starts_at": value, "ends_at": value, "note": ""},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2200." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(SpeakerUnavailability.id))) == 0


def test_a_date_at_the_end_of_the_calendar_in_the_hall_screen_is_a_400(client, event):
    assert client.get(f"/e/{event.slug}/programme/now?at=0001-01-01T00:00").status_code == 400
    assert client.get(f"/e/{event.slug}/programme/now?at=2026-05-12T10:00").status_code == 200


# ------------------------------------------------------------------ JSON


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
                                  b'{"checkpoint": ' + b"[" * 20 + b"]" * 20 + b"}"])
def test_deeply_nested_json_on_the_scan_api_is_a_400(door_client, gate, body):
    response = door_client.post(f"/checkin/api/{gate.event.slug}/scan", data=body,
                                content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"status": "error", "reason": "bad_json"}


def test_deeply_nested_json_on_the_sync_api_is_a_400(door_client, gate):
    response = door_client.post(f"/checkin/api/{gate.event.slug}/{gate.id}/sync",
                                data=b'{"scans": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                                content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"status": "error", "reason": "bad_json"}


def test_a_json_body_beyond_the_limit_is_a_413(door_client, gate):
    body = json.dumps({"scans": [], "padding": "x" * (MAX_JSON_BYTES + 1)})
    response = door_client.post(f"/checkin/api/{gate.event.slug}/{gate.id}/sync", data=body,
                                content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["status"] == "error"


@pytest.mark.parametrize("source", [["camera"], {"a": "b"}, 1])
def test_a_source_that_is_not_a_string_is_a_400(door_client, gate, make_registration, source):
    registration = make_registration(gate.event)
    response = door_client.post(f"/checkin/api/{gate.event.slug}/scan", json={
        "code": registration.ticket_code, "nonce": uuid.uuid4().hex, "checkpoint": gate.id,
        "source": source})
    assert response.status_code == 400
    assert response.get_json() == {"status": "error", "reason": "bad_source"}
    assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 0


def test_json_posted_to_a_form_page_must_be_an_object(client):
    response = client.post("/login", data=b'"just a string"', content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("scanned_at", ["0001-01-01T00:00:00+14:00",
                                        "9999-12-31T23:59:59-14:00", "2026-05-12T10:00:00"])
def test_an_offline_scan_at_the_end_of_the_calendar_is_rejected_alone(door_client, gate,
                                                                      make_registration,
                                                                      scanned_at):
    code = make_registration(gate.event).ticket_code
    good_at = dt.datetime(2026, 5, 12, 8, 30, tzinfo=dt.UTC).isoformat()
    response = door_client.post(f"/checkin/api/{gate.event.slug}/{gate.id}/sync", json={
        "scans": [{"nonce": "bad-date-scan-1", "code": code, "scanned_at": scanned_at},
                  {"nonce": "good-date-scan-1", "code": code, "scanned_at": good_at}]})
    assert response.status_code == 200
    data = response.get_json()
    assert data["rejected"] == [{"index": 0, "nonce": "bad-date-scan-1", "reason": "bad_scan"}]
    assert [r["nonce"] for r in data["results"]] == ["good-date-scan-1"]
    assert db.session.scalar(db.select(db.func.count(ScanLog.id))) == 1


# ------------------------------------------------------------------ the helpers


@pytest.mark.parametrize(("value", "expected"), [
    ("1", 1), ("2147483647", 2147483647), ("2147483648", None), ("-1", None), (" 1", None),
    ("\u00b2", None), ("9" * 5000, None), ("", None), (None, None), ("1e3", None),
])
def test_parse_int_keeps_to_the_database_range(value, expected):
    assert parse_int(value) == expected


def test_json_depth_counts_without_recursion():
    deep = []
    for _ in range(100_000):
        deep = [deep]
    assert json_depth(deep) == 100_001
    assert json_depth({"scans": [{"nonce": "x"}]}) == 3
    assert json_depth("flat") == 0
