"""The partnering desk in a real Chromium on a 360 px phone: the camera reads the first
badge, a USB scanner types the partner's, and the meeting is marked held."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import MeetingOutcome, Role
from tests.e2e.conftest import CHROMIUM
from tests.e2e.test_checkin_scanner import BASE_ARGS, VERDICT_TIMEOUT, write_y4m
from tests.fixtures.core import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config):
    # The page must really send its CSRF token in the X-CSRFToken header.
    return dict(app_config, WTF_CSRF_ENABLED=True)


@pytest.fixture
def desk_scene(make_event, make_registration, make_partnering_settings, make_partnering_window,
               make_partnering_profile, make_meeting_request, make_user):
    event = make_event(slug="e2e-partnering")
    make_partnering_settings(event, published_at=dt.datetime.now(dt.UTC))
    start = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
    window = make_partnering_window(event, start=start, slots=2)
    anna = make_partnering_profile(event, make_registration(
        event, first_name="Anna", last_name="Kowalska", organization="Kraków Biotech"))
    bea = make_partnering_profile(event, make_registration(
        event, first_name="Bea", last_name="Ruiz", organization="Aragon Health", country="ES"),
        country="ES")
    meeting = make_meeting_request(anna, bea, slot_id=window.slots[0].id, table_number=4)
    return {"event": event, "anna": anna, "bea": bea, "meeting": meeting,
            "door": make_user(Role.DOOR, events=[event])}


def _open_desk(playwright_instance, live_server, scene, video):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=[*BASE_ARGS, f"--use-file-for-fake-video-capture={video}"])
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.grant_permissions(["camera"], origin=live_server)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#email", scene["door"].email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server}/checkin/{scene['event'].slug}/partnering")
    return browser, page


@pytest.mark.pdf
def test_camera_then_usb_scan_of_both_badges_marks_the_meeting_held(
        playwright_instance, live_server, desk_scene, badge_image, tmp_path):
    video = tmp_path / "anna.y4m"
    write_y4m(badge_image(desk_scene["anna"].registration), video)
    browser, page = _open_desk(playwright_instance, live_server, desk_scene, video)
    try:
        page.click("#camera-toggle")
        page.wait_for_selector("#verdict[data-code=waiting]", timeout=VERDICT_TIMEOUT)
        assert "Table 4" in page.inner_text("#verdict-title")
        assert "Bea Ruiz" in page.inner_text("#verdict")
        page.click("#camera-toggle")  # camera off: the next badge comes from the USB scanner
        page.fill("#code", desk_scene["bea"].registration.ticket_code)
        page.press("#code", "Enter")
        page.wait_for_selector("#verdict[data-code=held]", timeout=VERDICT_TIMEOUT)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        browser.close()
    db.session.expire_all()
    assert desk_scene["meeting"].outcome is MeetingOutcome.HELD


def test_a_badge_without_a_meeting_now_shows_the_reason_and_keeps_nothing(
        playwright_instance, live_server, desk_scene, make_registration, tmp_path):
    outsider = make_registration(desk_scene["event"], first_name="Carl")
    browser, page = _open_desk(playwright_instance, live_server, desk_scene, "/dev/null")
    try:
        page.fill("#code", outsider.ticket_code)
        page.press("#code", "Enter")
        page.wait_for_selector("#verdict[data-code=not_a_participant]", timeout=VERDICT_TIMEOUT)
        assert page.get_attribute("#verdict", "data-level") == "bad"
        assert "has not joined partnering" in page.inner_text("#verdict-title")
    finally:
        browser.close()
