"""Check-in pages and JSON API: verdicts, bad input, access, CSRF, offline, dashboard."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest

from conference.extensions import db
from conference.models import CheckIn, CheckInConflict, Checkpoint, Role, ScanLog
from conference.services.accounts import set_account_password


@pytest.fixture
def gate(make_event, make_checkpoint):
    event = make_event(slug="door-test")
    return make_checkpoint(event, "Gate 2")


@pytest.fixture
def door_client(app, gate, make_user, login):
    client = app.test_client()
    login(client, make_user(Role.DOOR, events=[gate.event]))
    return client


def scan(client, gate, code, **extra):
    body = {"code": code, "nonce": uuid.uuid4().hex, "checkpoint": gate.id, **extra}
    return client.post(f"/checkin/api/{gate.event.slug}/scan", json=body)


def test_scan_welcomes_with_name_ticket_type_and_role(door_client, gate, make_registration):
    registration = make_registration(gate.event, first_name="Ilze", last_name="Bērziņa")
    response = scan(door_client, gate, registration.ticket_code)
    assert response.status_code == 200
    data = response.get_json()
    assert data["verdict"]["code"] == "welcome" and data["verdict"]["level"] == "ok"
    assert data["message"] == "Welcome, Ilze Bērziņa"
    assert data["detail"] == f"{registration.ticket_type.name} / Attendee"


def test_second_scan_says_already_with_local_time_and_checkpoint(door_client, gate,
                                                                 make_registration):
    code = make_registration(gate.event).ticket_code
    scan(door_client, gate, code)
    data = scan(door_client, gate, code).get_json()
    assert data["verdict"]["level"] == "warn"
    assert re.fullmatch(r"Already checked in at \d{1,2}:\d\d\s?(AM|PM)? at Gate 2",
                        data["message"]), data["message"]


def test_retry_with_the_same_nonce_gets_the_same_answer(door_client, gate, make_registration):
    body = {"code": make_registration(gate.event).ticket_code, "nonce": "web-retry-nonce",
            "checkpoint": gate.id}
    url = f"/checkin/api/{gate.event.slug}/scan"
    first = door_client.post(url, json=body).get_json()
    second = door_client.post(url, json=body).get_json()
    assert first["verdict"]["code"] == second["verdict"]["code"] == "welcome"
    assert second["verdict"]["replayed"]


@pytest.mark.parametrize("body", [
    "not json", "[1, 2]", '"a string"', "null", "{", "\xff\xfe",
])
def test_malformed_json_is_a_400_not_a_500(door_client, gate, body):
    response = door_client.post(f"/checkin/api/{gate.event.slug}/scan", data=body,
                                content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"status": "error", "reason": "bad_json"}


@pytest.mark.parametrize(("checkpoint", "status", "reason"), [
    (None, 400, "bad_checkpoint"), ("1", 400, "bad_checkpoint"), (True, 400, "bad_checkpoint"),
    (10**12, 404, "unknown_checkpoint"),
])
def test_bad_checkpoint_is_refused(door_client, gate, checkpoint, status, reason):
    response = door_client.post(f"/checkin/api/{gate.event.slug}/scan", json={
        "code": "ABCDEFGHJKMNPQRSTU", "nonce": uuid.uuid4().hex, "checkpoint": checkpoint})
    assert (response.status_code, response.get_json()["reason"]) == (status, reason)


def test_checkpoint_of_another_event_is_refused(door_client, gate, make_event, make_checkpoint):
    foreign = make_checkpoint(make_event())
    response = door_client.post(f"/checkin/api/{gate.event.slug}/scan", json={
        "code": "ABCDEFGHJKMNPQRSTU", "nonce": uuid.uuid4().hex, "checkpoint": foreign.id})
    assert response.status_code == 404


@pytest.mark.parametrize("nonce", [None, "", "short", 123, "x" * 200])
def test_missing_or_bad_nonce_is_refused(door_client, gate, nonce):
    response = door_client.post(f"/checkin/api/{gate.event.slug}/scan", json={
        "code": "ABCDEFGHJKMNPQRSTU", "nonce": nonce, "checkpoint": gate.id})
    assert response.status_code == 400
    assert response.get_json()["reason"] == "bad_nonce"


@pytest.mark.parametrize(("code", "verdict"), [
    ("ABCDEFGHJKMNPQRSTU", "unknown_code"),
    ("<script>alert(1)</script>", "malformed"),
    ("x" * 100_000, "malformed"),
    ({"$ne": None}, "malformed"),
    (None, "malformed"),
])
def test_forged_and_garbage_codes_get_a_clear_verdict(door_client, gate, code, verdict):
    response = scan(door_client, gate, code)
    assert response.status_code == 200
    assert response.get_json()["verdict"]["code"] == verdict
    assert response.get_json()["verdict"]["level"] == "bad"


def test_a_nul_in_a_scanned_code_is_refused_like_any_nul_input(door_client, gate):
    """NUL is refused in every request (conference.inputs), with a reason the scanner shows."""
    response = scan(door_client, gate, "ABCDEFGHJKMNPQRST\u0000")
    assert response.status_code == 400
    assert response.get_json() == {"status": "error", "reason": "forbidden_characters"}


def test_badge_of_another_event_is_not_for_this_event(door_client, gate, make_event,
                                                      make_registration):
    other = make_registration(make_event())
    data = scan(door_client, gate, other.ticket_code).get_json()
    assert data["verdict"]["code"] == "wrong_event"
    assert data["message"] == "Not for this event"
    assert other.last_name not in json.dumps(data)


def test_a_nonce_reused_for_another_code_is_a_409(door_client, gate, make_registration):
    one, two = make_registration(gate.event), make_registration(gate.event)
    scan(door_client, gate, one.ticket_code, nonce="reused-web-nonce")
    response = scan(door_client, gate, two.ticket_code, nonce="reused-web-nonce")
    assert response.status_code == 409
    assert response.get_json()["reason"] == "nonce_reused"


def test_search_then_check_in_by_registration_id(door_client, gate, make_registration):
    registration = make_registration(gate.event, first_name="Weronika", last_name="Grabowska")
    found = door_client.get(f"/checkin/api/{gate.event.slug}/search?q=grabow").get_json()
    assert [r["id"] for r in found["results"]] == [registration.id]
    response = door_client.post(f"/checkin/api/{gate.event.slug}/scan", json={
        "registration_id": registration.id, "nonce": uuid.uuid4().hex, "checkpoint": gate.id})
    assert response.get_json()["verdict"]["code"] == "welcome"
    assert db.session.execute(db.select(ScanLog.source)).scalar_one() == "search"


@pytest.mark.parametrize("registration_id", ["1", None, 10**9])
def test_check_in_by_a_bad_registration_id_is_a_404(door_client, gate, registration_id):
    response = door_client.post(f"/checkin/api/{gate.event.slug}/scan", json={
        "registration_id": registration_id, "nonce": uuid.uuid4().hex, "checkpoint": gate.id})
    assert response.status_code == 404


def test_registration_of_another_event_cannot_be_checked_in_by_id(door_client, gate, make_event,
                                                                  make_registration):
    other = make_registration(make_event())
    response = door_client.post(f"/checkin/api/{gate.event.slug}/scan", json={
        "registration_id": other.id, "nonce": uuid.uuid4().hex, "checkpoint": gate.id})
    assert response.status_code == 404


def test_anonymous_api_call_gets_json_401(app, gate):
    response = scan(app.test_client(), gate, "ABCDEFGHJKMNPQRSTU")
    assert response.status_code == 401
    assert response.get_json()["reason"] == "login_required"


def test_door_staff_of_another_event_get_403(app, gate, make_event, make_user, login,
                                             make_registration):
    client = app.test_client()
    login(client, make_user(Role.DOOR, events=[make_event()]))
    response = scan(client, gate, make_registration(gate.event).ticket_code)
    assert response.status_code == 403
    assert db.session.execute(db.select(CheckIn)).first() is None


def test_a_changed_password_ends_the_scanner_session(app, gate, make_user, login,
                                                    make_registration):
    client = app.test_client()
    user = make_user(Role.DOOR, events=[gate.event])
    login(client, user)
    set_account_password(user, "a-new-password-2026")
    db.session.commit()
    response = scan(client, gate, make_registration(gate.event).ticket_code)
    assert response.status_code == 401
    assert response.get_json()["reason"] == "login_required"
    assert db.session.execute(db.select(ScanLog)).first() is None


def test_a_deactivated_door_account_can_no_longer_scan(app, gate, make_user, login,
                                                       make_registration):
    client = app.test_client()
    user = make_user(Role.DOOR, events=[gate.event])
    login(client, user)
    user.active = False
    db.session.commit()
    assert scan(client, gate, make_registration(gate.event).ticket_code).status_code == 401


def test_unknown_event_is_404_for_logged_in_door_staff(door_client, gate):
    response = door_client.post("/checkin/api/no-such-event/scan", json={
        "code": "ABCDEFGHJKMNPQRSTU", "nonce": uuid.uuid4().hex, "checkpoint": gate.id})
    assert response.status_code == 404
    assert response.get_json()["status"] == "error"


@pytest.mark.parametrize(("role", "assigned", "superuser", "status"), [
    (Role.ORGANIZER, True, False, 200),
    (Role.ORGANIZER, False, False, 403),
    (Role.REVIEWER, True, False, 403),
    (Role.ORGANIZER, False, True, 200),
])
def test_who_may_scan_at_an_event(app, gate, make_user, login, make_registration, role,
                                  assigned, superuser, status):
    client = app.test_client()
    login(client, make_user(role, events=[gate.event] if assigned else [], superuser=superuser))
    response = scan(client, gate, make_registration(gate.event).ticket_code)
    assert response.status_code == status
    if status == 200:
        assert response.get_json()["verdict"]["code"] == "welcome"


def test_a_closed_checkpoint_refuses_scans(door_client, gate, make_registration):
    gate.active = False
    db.session.commit()
    response = scan(door_client, gate, make_registration(gate.event).ticket_code)
    assert response.status_code == 400
    assert response.get_json()["reason"] == "checkpoint_closed"


def test_offline_bundle_has_no_codes_and_is_not_cached(door_client, gate, make_registration):
    registration = make_registration(gate.event)
    response = door_client.get(f"/checkin/api/{gate.event.slug}/{gate.id}/offline")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert registration.ticket_code not in response.get_data(as_text=True)
    assert response.get_json()["registrations"][0]["name"] == registration.full_name


def test_offline_bundle_of_a_foreign_checkpoint_is_404(door_client, gate, make_event,
                                                       make_checkpoint):
    foreign = make_checkpoint(make_event())
    assert door_client.get(
        f"/checkin/api/{gate.event.slug}/{foreign.id}/offline").status_code == 404


def test_sync_uploads_offline_scans(door_client, gate, make_registration):
    code = make_registration(gate.event).ticket_code
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)
    response = door_client.post(f"/checkin/api/{gate.event.slug}/{gate.id}/sync", json={
        "scans": [{"nonce": "sync-web-1", "code": code, "scanned_at": at.isoformat(),
                   "local_verdict": "welcome"},
                  {"nonce": "sync-web-2", "code": code, "scanned_at": at.isoformat(),
                   "local_verdict": "welcome"}]})
    assert response.status_code == 200
    data = response.get_json()
    assert [r["verdict"] for r in data["results"]] == ["welcome", "already_checked_in"]
    assert data["conflicts"] == 1
    assert db.session.execute(db.select(CheckIn.offline)).scalar_one()


def test_a_sync_upload_that_is_not_a_list_of_scans_is_400(door_client, gate):
    response = door_client.post(f"/checkin/api/{gate.event.slug}/{gate.id}/sync",
                                json={"scans": "all of them"})
    assert response.status_code == 400
    assert db.session.execute(db.select(ScanLog)).first() is None


@pytest.mark.parametrize("item", [
    1,
    {"nonce": "sync-bad-1", "code": "X", "scanned_at": "yesterday"},
    {"nonce": "sync-bad-2", "code": "X", "scanned_at": "2026-05-12T09:00:00"},
    {"code": "X", "scanned_at": "2026-05-12T09:00:00+02:00"},
    {"nonce": "bad", "code": "X", "scanned_at": "2026-05-12T09:00:00+02:00"},
])
def test_a_bad_item_of_a_sync_upload_is_rejected_alone_and_saves_nothing(door_client, gate,
                                                                          item):
    response = door_client.post(f"/checkin/api/{gate.event.slug}/{gate.id}/sync",
                                json={"scans": [item]})
    assert response.status_code == 200
    data = response.get_json()
    assert data["results"] == [] and len(data["rejected"]) == 1
    assert db.session.execute(db.select(ScanLog)).first() is None


def test_one_bad_item_does_not_block_the_rest_of_an_offline_queue(door_client, gate,
                                                                  make_registration):
    code = make_registration(gate.event).ticket_code
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)
    response = door_client.post(f"/checkin/api/{gate.event.slug}/{gate.id}/sync", json={
        "scans": [{"nonce": "queue-bad", "code": code, "scanned_at": "not a time"},
                  {"nonce": "bad", "code": code, "scanned_at": at.isoformat()},
                  {"nonce": "queue-good-1", "code": code, "scanned_at": at.isoformat(),
                   "local_verdict": "welcome"}]})
    assert response.status_code == 200
    data = response.get_json()
    assert [(r["nonce"], r["verdict"]) for r in data["results"]] == [("queue-good-1", "welcome")]
    assert sorted(r["nonce"] for r in data["rejected"]) == ["bad", "queue-bad"]
    assert len(db.session.execute(db.select(CheckIn)).scalars().all()) == 1


def test_scanner_page_passes_config_and_translated_texts(door_client, gate):
    response = door_client.get(f"/checkin/{gate.event.slug}/{gate.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "js/checkin.js" in html and "js/vendor/jsQR.js" in html
    assert "<script>" not in html
    match = re.search(r'data-config="([^"]+)"', html)
    import html as html_lib
    config = json.loads(html_lib.unescape(match.group(1)))
    assert config["checkpoint"] == gate.id
    assert config["messages"]["no_seat"] == "No seat in this workshop"
    assert config["texts"]["waiting"] == "Offline: {count} scans waiting"


def test_scanner_page_is_translated_to_polish(door_client, gate):
    door_client.post("/lang", data={"lang": "pl", "next": "/"})
    html = door_client.get(f"/checkin/{gate.event.slug}/{gate.id}").get_data(as_text=True)
    assert 'lang="pl"' in html


def test_start_page_lists_the_checkpoints_of_the_door_staffs_events(door_client, gate,
                                                                    make_event):
    make_event(name="Not my event")
    html = door_client.get("/checkin/").get_data(as_text=True)
    assert "Gate 2" in html and gate.event.name in html
    assert "Not my event" not in html


def test_setup_creates_an_entrance_and_workshop_checkpoints(door_client, gate, make_workshop):
    workshop = make_workshop(gate.event)
    response = door_client.post(f"/checkin/{gate.event.slug}/setup")
    assert response.status_code == 302
    sessions = db.session.execute(
        db.select(Checkpoint.session_id).filter_by(event_id=gate.event.id)).scalars().all()
    assert workshop.id in sessions


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return dict(app_config, WTF_CSRF_ENABLED=True)

    def test_api_refuses_a_post_without_the_csrf_header(self, app, gate, make_user,
                                                        make_registration):
        client = app.test_client()
        user = make_user(Role.DOOR, events=[gate.event])
        _login_with_csrf(client, user)
        response = scan(client, gate, make_registration(gate.event).ticket_code)
        assert response.status_code == 400
        assert response.get_json()["reason"] == "csrf_failed"

    def test_api_accepts_the_token_of_the_scanner_page_in_a_header(self, app, gate, make_user,
                                                                   make_registration):
        client = app.test_client()
        _login_with_csrf(client, make_user(Role.DOOR, events=[gate.event]))
        page = client.get(f"/checkin/{gate.event.slug}/{gate.id}").get_data(as_text=True)
        token = re.search(r'data-csrf="([^"]+)"', page).group(1)
        response = client.post(
            f"/checkin/api/{gate.event.slug}/scan", headers={"X-CSRFToken": token},
            json={"code": make_registration(gate.event).ticket_code,
                  "nonce": uuid.uuid4().hex, "checkpoint": gate.id})
        assert response.status_code == 200
        assert response.get_json()["verdict"]["code"] == "welcome"


def _login_with_csrf(client, user):
    from tests.fixtures.core import PASSWORD

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


@pytest.fixture
def organizer_client(app, gate, make_user, login):
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, events=[gate.event]))
    return client


def test_dashboard_shows_checked_in_of_expected_and_the_chart(organizer_client, door_client,
                                                              gate, make_registration):
    for _ in range(3):
        registration = make_registration(gate.event)
    scan(door_client, gate, registration.ticket_code)
    html = organizer_client.get(f"/manage/{gate.event.slug}/checkin").get_data(as_text=True)
    assert re.search(r'id="checked-in-total">1</span> / 3', html)
    assert '<svg class="arrivals"' in html
    assert registration.full_name in html
    live = organizer_client.get(f"/manage/{gate.event.slug}/checkin/live")
    assert live.status_code == 200 and "<html" not in live.get_data(as_text=True)


def test_organizer_can_undo_a_check_in(organizer_client, door_client, gate, make_registration):
    code = make_registration(gate.event).ticket_code
    scan(door_client, gate, code)
    entry_id = db.session.execute(db.select(CheckIn.id)).scalar_one()
    response = organizer_client.post(f"/manage/{gate.event.slug}/checkin/{entry_id}/undo")
    assert response.status_code == 302
    assert scan(door_client, gate, code).get_json()["verdict"]["code"] == "welcome"


def test_undo_of_another_events_check_in_is_404(organizer_client, gate, make_event,
                                                make_checkpoint, make_registration):
    from conference.services.checkin.core import check_in

    slug = gate.event.slug
    other = make_event()
    checkpoint = make_checkpoint(other, "Elsewhere")
    check_in(other, checkpoint, make_registration(other).ticket_code, user=None,
             nonce="foreign-undo-1")
    db.session.commit()
    entry_id = db.session.execute(db.select(CheckIn.id)).scalar_one()
    response = organizer_client.post(f"/manage/{slug}/checkin/{entry_id}/undo")
    assert response.status_code == 404
    assert db.session.get(CheckIn, entry_id) is not None


def test_dashboard_lists_offline_conflicts_and_resolves_them(organizer_client, door_client,
                                                             gate, make_registration):
    registration = make_registration(gate.event)
    code = registration.ticket_code
    scan(door_client, gate, code)
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).isoformat()
    door_client.post(f"/checkin/api/{gate.event.slug}/{gate.id}/sync", json={"scans": [
        {"nonce": "conflict-web-1", "code": code, "scanned_at": at, "local_verdict": "welcome"}]})
    html = organizer_client.get(f"/manage/{gate.event.slug}/checkin").get_data(as_text=True)
    assert "Offline conflicts" in html and "Already checked in" in html
    conflict_id = db.session.execute(db.select(CheckInConflict.id)).scalar_one()
    organizer_client.post(f"/manage/{gate.event.slug}/checkin/conflicts/{conflict_id}/resolve")
    html = organizer_client.get(f"/manage/{gate.event.slug}/checkin").get_data(as_text=True)
    assert "No conflicts." in html


def test_organizer_adds_an_entrance(organizer_client, gate):
    organizer_client.post(f"/manage/{gate.event.slug}/checkin/checkpoints",
                          data={"name": "Side door"})
    names = db.session.execute(db.select(Checkpoint.name)).scalars().all()
    assert sorted(names) == ["Gate 2", "Side door"]


def test_links_on_the_manage_overview_and_the_staff_start_page(organizer_client, door_client,
                                                               gate):
    overview = organizer_client.get(f"/manage/{gate.event.slug}/").get_data(as_text=True)
    assert f"/manage/{gate.event.slug}/checkin" in overview
    start = door_client.get("/manage/").get_data(as_text=True)
    assert "/checkin/#event-door-test" in start


def test_huge_ids_in_urls_are_404_not_500(door_client, organizer_client, gate):
    huge = 10**15
    assert door_client.get(f"/checkin/{gate.event.slug}/{huge}").status_code == 404
    assert door_client.get(f"/checkin/api/{gate.event.slug}/{huge}/offline").status_code == 404
    assert organizer_client.post(
        f"/manage/{gate.event.slug}/checkin/{huge}/undo").status_code == 404
    assert organizer_client.post(
        f"/manage/{gate.event.slug}/checkin/conflicts/{huge}/resolve").status_code == 404
