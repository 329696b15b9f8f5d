"""The scanner in Chromium while the server answers 503 (the database restarting): the
scan is judged and queued offline, then uploaded once the server answers again.

The 503 itself (status, Retry-After, JSON reason) comes from the real app in
tests/web/test_database_down.py; here the browser gets exactly that answer.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.test_checkin_scanner import (  # noqa: F401  (fixtures used by name)
    app_config,
    door_scene,
    entries,
    launch,
    scanner_url,
    verdict,
)

pytestmark = pytest.mark.browser

#: What conference.errors answers on the API while the database cannot be reached.
UNAVAILABLE = {"status": 503, "headers": {"Retry-After": "5"},
               "content_type": "application/json",
               "body": json.dumps({"status": "error", "reason": "unavailable"})}


def test_a_503_queues_the_scan_offline_and_it_is_uploaded_when_the_server_is_back(
        launch, live_server, door_scene, make_registration):  # noqa: F811
    event, checkpoint, user = door_scene
    arriving = make_registration(event, first_name="Ola", last_name="Nordmann")
    _, page = launch(user)
    page.goto(scanner_url(live_server, event, checkpoint))
    page.wait_for_selector("#offline-status:has-text('Offline list ready')")

    page.route("**/scan", lambda route: route.fulfill(**UNAVAILABLE))
    page.route("**/sync", lambda route: route.fulfill(**UNAVAILABLE))
    page.keyboard.type(arriving.ticket_code + "\n")
    assert verdict(page, "welcome") == "Welcome, Ola Nordmann"  # judged from the offline list
    assert page.inner_text("#queue-status") == "Offline: 1 scans waiting"
    assert entries() == []

    page.unroute("**/scan")
    page.unroute("**/sync")
    # The scanner retries its queue every 10 seconds.
    page.wait_for_selector("#queue-status", state="hidden", timeout=25_000)
    [entry] = entries()
    assert entry.registration_id == arriving.id and entry.offline
