"""At the door, through the Flask client: the name search's answers, check-in rules on the
dashboard and in the CLI, the scanner's settings, landing after login, the installable app."""

from __future__ import annotations

import json
import uuid

import pytest

from conference.extensions import db
from conference.models import CheckinRule, Checkpoint, Event, Role
from tests.fixtures.core import PASSWORD


@pytest.fixture
def gate(make_event, make_checkpoint):
    return make_checkpoint(make_event(slug="door-point"), "Gate 1")


@pytest.fixture
def door_client(app, gate, make_user, login):
    client = app.test_client()
    login(client, make_user(Role.DOOR, events=[gate.event]))
    return client


@pytest.fixture
def organizer_client(app, gate, make_user, login):
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, events=[gate.event]))
    return client


def search(client, gate, q, **params):
    return client.get(f"/checkin/api/{gate.event.slug}/search", query_string={"q": q, **params})


def scanner_config(client, checkpoint) -> dict:
    page = client.get(f"/checkin/{checkpoint.event.slug}/{checkpoint.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    start = html.index('data-config="') + len('data-config="')
    import html as html_module

    return json.loads(html_module.unescape(html[start:html.index('"', start)]))


def test_search_tells_namesakes_apart_and_says_who_is_in(door_client, gate, make_registration):
    first = make_registration(gate.event, first_name="Łucja", last_name="Gęślą",
                              organization="UJ", email="lucja.gesla@uj.edu.pl")
    make_registration(gate.event, first_name="Łucja", last_name="Gęślą", organization="AGH",
                      email="lg@agh.edu.pl")
    door_client.post(f"/checkin/api/{gate.event.slug}/scan", json={
        "code": first.ticket_code, "nonce": uuid.uuid4().hex, "checkpoint": gate.id})

    results = search(door_client, gate, "lucja gesla", checkpoint=gate.id).get_json()["results"]
    by_org = {r["organization"]: r for r in results}
    assert set(by_org) == {"UJ", "AGH"}
    assert by_org["UJ"]["email"] == "l***@u***.pl" and by_org["AGH"]["email"] == "l***@a***.pl"
    assert "lucja.gesla" not in json.dumps(results)
    assert by_org["UJ"]["checked_in_at"] and "Gate 1" in by_org["UJ"]["checked_in_label"]
    assert by_org["AGH"]["checked_in_at"] is None and by_org["AGH"]["checked_in_label"] is None


def test_search_with_a_checkpoint_of_another_event_is_a_json_404(
        door_client, gate, make_event, make_checkpoint):
    other = make_checkpoint(make_event(), "Elsewhere")
    for value in (str(other.id), "99999999999"):
        response = search(door_client, gate, "anna", checkpoint=value)
        assert response.status_code == 404 and response.is_json, value
    assert search(door_client, gate, "anna", checkpoint="abc").status_code == 200


def test_scanner_page_shows_the_rule_and_gives_the_script_its_settings(
        app, door_client, gate):
    app.config["CHECKIN_QUIET_SECONDS"] = 7
    page = door_client.get(f"/checkin/{gate.event.slug}/{gate.id}").get_data(as_text=True)
    assert "Rule: One entry for the whole event" in page
    assert 'rel="manifest"' in page
    config = scanner_config(door_client, gate)
    assert config["quietSeconds"] == 7 and config["rule"] == "once"
    assert config["serviceWorker"] == "/checkin/sw.js"
    assert config["serviceWorkerScope"] == "/checkin/"


def test_organizer_sets_the_entrance_rule_and_a_workshop_rule_on_the_dashboard(
        organizer_client, door_client, gate, make_checkpoint, make_workshop):
    event = gate.event
    lab = make_checkpoint(event, "Lab", session=make_workshop(event))
    dashboard = organizer_client.get(f"/manage/{event.slug}/checkin").get_data(as_text=True)
    assert f'id="rule-{lab.id}"' in dashboard
    assert f'for="rule-{lab.id}"' in dashboard  # labelled

    response = organizer_client.post(
        f"/manage/{event.slug}/checkin/checkpoints/{gate.id}/rule",
        data={"rule": "daily"}, follow_redirects=True)
    assert "Rule of all entrances: One entry per day." in response.get_data(as_text=True)
    organizer_client.post(f"/manage/{event.slug}/checkin/checkpoints/{lab.id}/rule",
                          data={"rule": "unlimited"})
    db.session.expire_all()
    assert db.session.get(Event, event.id).checkin_rule is CheckinRule.DAILY
    assert db.session.get(Checkpoint, lab.id).checkin_rule is CheckinRule.UNLIMITED
    assert scanner_config(door_client, lab)["rule"] == "unlimited"
    page = door_client.get(f"/checkin/{event.slug}/{lab.id}").get_data(as_text=True)
    assert "Rule: Unlimited entries" in page


@pytest.mark.parametrize("value", ["twice", "", "event"])
def test_a_bad_rule_is_a_message_and_changes_nothing(organizer_client, gate, value):
    response = organizer_client.post(
        f"/manage/{gate.event.slug}/checkin/checkpoints/{gate.id}/rule",
        data={"rule": value}, follow_redirects=True)
    assert response.status_code == 200
    assert "Choose one of the check-in rules." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, gate.event_id).checkin_rule is CheckinRule.ONCE


def test_door_staff_cannot_set_rules(door_client, gate):
    response = door_client.post(f"/manage/{gate.event.slug}/checkin/checkpoints/{gate.id}/rule",
                                data={"rule": "unlimited"})
    assert response.status_code == 403


def test_cli_lists_checkpoints_and_sets_rules(app, gate, make_checkpoint, make_workshop):
    lab = make_checkpoint(gate.event, "Lab", session=make_workshop(gate.event))
    runner = app.test_cli_runner()
    slug = gate.event.slug
    result = runner.invoke(args=["checkin", "rule", "--event", slug, "daily"])
    assert result.exit_code == 0 and "Entrances of door-point: daily" in result.output
    result = runner.invoke(args=["checkin", "rule", "--event", slug, "--checkpoint",
                                 str(lab.id), "unlimited"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["checkin", "checkpoints", "--event", slug]).output
    assert f"{lab.id}\tworkshop\tunlimited (own rule)\tLab" in listing
    assert f"{gate.id}\tentrance\tdaily\tGate 1" in listing
    bad = runner.invoke(args=["checkin", "rule", "--event", slug, "twice"])
    assert bad.exit_code != 0 and "Invalid value" in bad.output
    missing = runner.invoke(args=["checkin", "rule", "--event", slug, "--checkpoint", "999999",
                                  "once"])
    assert missing.exit_code != 0 and "no checkpoint 999999" in missing.output
    db.session.expire_all()
    assert db.session.get(Event, gate.event_id).checkin_rule is CheckinRule.DAILY


def test_door_staff_of_one_event_land_on_its_scanner_after_login(app, gate, make_user):
    user = make_user(Role.DOOR, events=[gate.event])
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/checkin/{gate.event.slug}/{gate.id}"
    # Already logged in: the login page sends them there too.
    assert client.get("/login").headers["Location"] == f"/checkin/{gate.event.slug}/{gate.id}"


def test_after_login_next_wins_and_others_land_in_the_back_office(
        app, gate, make_user, make_event):
    door = make_user(Role.DOOR, events=[gate.event])
    client = app.test_client()
    response = client.post("/login?next=/checkin/", data={"email": door.email,
                                                          "password": PASSWORD})
    assert response.headers["Location"] == "/checkin/"
    for user in (make_user(Role.ORGANIZER, events=[gate.event]),
                 make_user(Role.DOOR, events=[gate.event, make_event()])):
        client = app.test_client()
        response = client.post("/login", data={"email": user.email,
                                               "password": PASSWORD})
        assert response.headers["Location"] == "/manage/"


def test_service_worker_is_served_under_checkin_with_its_scope(app):
    response = app.test_client().get("/checkin/sw.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert response.headers["Service-Worker-Allowed"] == "/checkin/"
    assert "addEventListener(\"fetch\"" in response.get_data(as_text=True)


def test_manifest_makes_the_scanner_installable(app):
    response = app.test_client().get("/checkin/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    data = response.get_json(force=True)
    assert data["start_url"] == "/checkin/" and data["scope"] == "/checkin/"
    assert data["display"] == "standalone" and data["icons"]
    icon = app.test_client().get(data["icons"][0]["src"])
    assert icon.status_code == 200 and icon.get_data().startswith(b"<svg")
    icon.close()


def test_registrations_list_search_ignores_case_and_diacritics(app, make_event, make_user,
                                                               make_registration, login):
    event = make_event()
    make_registration(event, first_name="ŁUCJA", last_name="Żółkiewska", email="lz@uj.edu.pl")
    make_registration(event, first_name="Anna", last_name="Nowak", email="an@uj.edu.pl")
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, events=[event]))
    for query in ("łucja", "lucja zolkiewska", "ŻÓŁKIEWSKA"):
        page = client.get(f"/manage/{event.slug}/registrations", query_string={"q": query})
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "lz@uj.edu.pl" in html and "an@uj.edu.pl" not in html, query
