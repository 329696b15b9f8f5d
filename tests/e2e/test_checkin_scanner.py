"""The scanner page in a real Chromium: fake camera, USB scanner typing, offline queue."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import CheckIn, Checkpoint, RegistrationState, Role, ScanLog
from tests.e2e.conftest import BROWSER_ARGS, CHROMIUM
from tests.fixtures.core import PASSWORD

pytestmark = pytest.mark.browser

BASE_ARGS = [*BROWSER_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
#: Verdicts appear within this many milliseconds (camera decoding included).
VERDICT_TIMEOUT = 15_000


@pytest.fixture
def app_config(app_config):
    # The page must really send its CSRF token in the X-CSRFToken header.
    return dict(app_config, WTF_CSRF_ENABLED=True)


@pytest.fixture
def launch(playwright_instance, live_server):
    """Start Chromium (optionally with a fake camera file) and give a logged-in page."""
    browsers = []

    def start(user, *, video=None):
        args = list(BASE_ARGS)
        if video:
            args.append(f"--use-file-for-fake-video-capture={video}")
        browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=args)
        browsers.append(browser)
        context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
        context.grant_permissions(["camera"], origin=live_server)
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("#email", user.email)
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url(lambda url: "/login" not in url)
        return context, page

    yield start
    for browser in browsers:
        browser.close()


@pytest.fixture
def door_scene(make_event, make_user, make_registration):
    event = make_event(slug="e2e-door")
    checkpoint = Checkpoint(event_id=event.id, name="Gate 2")
    db.session.add(checkpoint)
    db.session.commit()
    user = make_user(Role.DOOR, events=[event])
    return event, checkpoint, user


def write_y4m(image, path, frames: int = 20) -> None:
    """A YUV4MPEG2 video of ``image`` (a PIL image) centred on white 640x480 frames."""
    from PIL import Image

    frame = Image.new("L", (640, 480), 255)
    picture = image.convert("L")
    picture.thumbnail((460, 460))
    frame.paste(picture, ((640 - picture.width) // 2, (480 - picture.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (320 * 240)
    with open(path, "wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)


def scanner_url(server, event, checkpoint) -> str:
    return f"{server}/checkin/{event.slug}/{checkpoint.id}"


def verdict(page, code):
    page.wait_for_selector(f"#verdict[data-code={code}]", timeout=VERDICT_TIMEOUT)
    return page.inner_text("#verdict-title")


def entries() -> list[CheckIn]:
    db.session.expire_all()
    return db.session.execute(db.select(CheckIn)).scalars().all()


@pytest.mark.pdf
def test_camera_decodes_the_badge_qr_and_shows_the_green_verdict(
        launch, live_server, door_scene, make_registration, badge_image, tmp_path):
    event, checkpoint, user = door_scene
    registration = make_registration(event, first_name="Līga", last_name="Ozoliņa")
    video = tmp_path / "badge.y4m"
    write_y4m(badge_image(registration), video)
    _, page = launch(user, video=video)
    page.goto(scanner_url(live_server, event, checkpoint))
    page.click("#camera-toggle")
    assert verdict(page, "welcome") == "Welcome, Līga Ozoliņa"
    assert page.get_attribute("#verdict", "data-level") == "ok"
    assert [e.registration_id for e in entries()] == [registration.id]
    source = db.session.execute(db.select(ScanLog.source)).scalars().first()
    assert source == "camera"


def test_usb_scanner_typing_code_and_enter_gets_welcome_then_already(
        launch, live_server, door_scene, make_registration):
    event, checkpoint, user = door_scene
    registration = make_registration(event, first_name="Callum", last_name="MacLeod")
    _, page = launch(user)
    page.goto(scanner_url(live_server, event, checkpoint))
    # A scanner types into whatever has focus: the code field must have it already.
    page.keyboard.type(registration.ticket_code + "\n")
    assert verdict(page, "welcome") == "Welcome, Callum MacLeod"
    assert page.evaluate("document.activeElement.id") == "code"
    assert page.input_value("#code") == ""
    page.keyboard.type(registration.ticket_code.lower() + "\n")
    assert verdict(page, "already_checked_in").startswith("Already checked in at ")
    assert "Gate 2" in page.inner_text("#verdict-title")
    page.keyboard.type("NOT-A-BADGE\n")
    assert verdict(page, "malformed")
    assert page.get_attribute("#verdict", "data-level") == "bad"


def test_name_search_asks_for_confirmation_before_checking_in(
        launch, live_server, door_scene, make_registration):
    event, checkpoint, user = door_scene
    make_registration(event, first_name="Eilidh", last_name="Campbell")
    _, page = launch(user)
    page.goto(scanner_url(live_server, event, checkpoint))
    page.fill("#search", "campb")
    page.press("#search", "Enter")
    page.click(".search-result")
    assert "Eilidh Campbell" in page.inner_text("#confirm-text")
    assert entries() == []
    page.click("#confirm-yes")
    assert verdict(page, "welcome") == "Welcome, Eilidh Campbell"


def test_offline_scans_get_verdicts_are_queued_and_synced_when_back(
        launch, live_server, door_scene, make_registration):
    event, checkpoint, user = door_scene
    arriving = make_registration(event, first_name="Jānis", last_name="Kalniņš")
    cancelled = make_registration(event, state=RegistrationState.CANCELLED)
    context, page = launch(user)
    page.goto(scanner_url(live_server, event, checkpoint))
    page.wait_for_selector("#offline-status:has-text('Offline list ready')")

    context.set_offline(True)
    page.keyboard.type(arriving.ticket_code + "\n")
    assert verdict(page, "welcome") == "Welcome, Jānis Kalniņš"
    page.keyboard.type(arriving.ticket_code + "\n")
    assert verdict(page, "already_checked_in").startswith("Already checked in at ")
    page.keyboard.type(cancelled.ticket_code + "\n")
    assert verdict(page, "cancelled") == "Cancelled"
    page.keyboard.type("ABCDEFGHJKMNPQRSTU\n")
    assert verdict(page, "unknown_code") == "Unknown code"
    assert page.inner_text("#queue-status") == "Offline: 4 scans waiting"
    assert page.get_attribute("#connection", "data-state") == "offline"
    assert entries() == []

    context.set_offline(False)
    page.wait_for_selector("#queue-status", state="hidden", timeout=VERDICT_TIMEOUT)
    [entry] = entries()
    assert entry.registration_id == arriving.id and entry.offline
    logs = db.session.execute(db.select(ScanLog.verdict).order_by(ScanLog.scanned_at)
                              ).scalars().all()
    assert logs == ["welcome", "already_checked_in", "cancelled", "unknown_code"]


# ---------------------------------------------------------------------------------------
# At the door: quiet time, the clock, offline after a reload


def scan_logs() -> list[ScanLog]:
    db.session.expire_all()
    return db.session.execute(db.select(ScanLog).order_by(ScanLog.id)).scalars().all()


def test_camera_keeps_the_first_verdict_while_the_badge_stays_in_view(
        launch, live_server, door_scene, make_registration, badge_image, tmp_path):
    event, checkpoint, user = door_scene
    registration = make_registration(event, first_name="Zoltán", last_name="Kovács")
    video = tmp_path / "badge.y4m"
    write_y4m(badge_image(registration), video)
    _, page = launch(user, video=video)
    page.goto(scanner_url(live_server, event, checkpoint))
    page.click("#camera-toggle")
    assert verdict(page, "welcome") == "Welcome, Zoltán Kovács"
    # The badge stays in front of the camera (the fake video loops) for 6 more seconds:
    # the green verdict stays and nothing more is sent.
    page.wait_for_timeout(6000)
    assert page.get_attribute("#verdict", "data-code") == "welcome"
    assert [log.verdict for log in scan_logs()] == ["welcome"]


def test_without_quiet_time_the_camera_scans_the_same_badge_again(
        app, launch, live_server, door_scene, make_registration, badge_image, tmp_path):
    app.config["CHECKIN_QUIET_SECONDS"] = 0  # the scanner reads the setting from its page
    event, checkpoint, user = door_scene
    registration = make_registration(event)
    video = tmp_path / "badge.y4m"
    write_y4m(badge_image(registration), video)
    _, page = launch(user, video=video)
    page.goto(scanner_url(live_server, event, checkpoint))
    page.click("#camera-toggle")
    assert verdict(page, "already_checked_in")
    page.click("#camera-toggle")
    assert [log.verdict for log in scan_logs()][:2] == ["welcome", "already_checked_in"]


@pytest.mark.parametrize(("language", "title"), [
    ("en", "Already checked in at 13:47 at Gate 2"),
    ("pl", "Wejście już zarejestrowane o 13:47 (Gate 2)"),
])
def test_offline_verdicts_and_search_show_the_page_language_and_a_24_hour_clock(
        launch, live_server, door_scene, make_registration, language, title):
    import datetime as dt

    from conference.services.checkin.core import check_in

    event, checkpoint, user = door_scene
    registration = make_registration(event, first_name="Łucja", last_name="Gęślą")
    check_in(event, checkpoint, registration.ticket_code, user=user, nonce="clock-test-1",
             now=dt.datetime(2026, 5, 12, 11, 47, tzinfo=dt.UTC))  # 13:47 in Kraków
    db.session.commit()
    context, page = launch(user)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page.goto(scanner_url(live_server, event, checkpoint))
    page.wait_for_selector("#scanner[data-ready=true]")
    page.wait_for_selector("#offline-status:not(:empty)")

    context.set_offline(True)
    page.keyboard.type(registration.ticket_code + "\n")
    assert verdict(page, "already_checked_in") == title
    page.fill("#search", "GESLA lucja")  # offline, folded in the page like on the server
    page.press("#search", "Enter")
    page.wait_for_selector(".search-result .already-in")
    assert "13:47" in page.inner_text(".search-result .already-in")
    assert "Łucja Gęślą" in page.inner_text(".search-result .who")


def test_scanner_reloaded_offline_still_scans_and_syncs_its_queue_once(
        launch, live_server, door_scene, make_registration):
    event, checkpoint, user = door_scene
    arriving = make_registration(event, first_name="Ægir", last_name="Þórsson")
    context, page = launch(user)
    url = scanner_url(live_server, event, checkpoint)
    page.goto(url)
    # The service worker keeps the page and the offline list.
    page.wait_for_selector("#scanner[data-kept=true]", timeout=VERDICT_TIMEOUT)

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#scanner[data-ready=true]")
    assert page.get_attribute("#connection", "data-state") == "offline"
    page.keyboard.type(arriving.ticket_code + "\n")
    assert verdict(page, "welcome") == "Welcome, Ægir Þórsson"
    page.keyboard.type(arriving.ticket_code + "\n")
    assert verdict(page, "already_checked_in")
    assert page.inner_text("#queue-status") == "Offline: 2 scans waiting"

    # The queue survives another reload without a connection (IndexedDB).
    page.reload()
    page.wait_for_selector("#scanner[data-ready=true]")
    assert page.inner_text("#queue-status") == "Offline: 2 scans waiting"
    page.keyboard.type(arriving.ticket_code + "\n")  # the list knows the queued entry
    assert verdict(page, "already_checked_in")
    assert entries() == [] and scan_logs() == []

    context.set_offline(False)
    page.wait_for_selector("#queue-status", state="hidden", timeout=VERDICT_TIMEOUT)
    page.reload()  # online again: nothing left to send twice
    page.wait_for_selector("#scanner[data-ready=true]")
    assert page.is_hidden("#queue-status")
    [entry] = entries()
    assert entry.registration_id == arriving.id and entry.offline
    logs = scan_logs()
    assert [log.verdict for log in logs] == ["welcome", "already_checked_in",
                                             "already_checked_in"]
    assert len({log.nonce for log in logs}) == 3 and all(log.offline for log in logs)


def test_after_logout_the_scanner_kept_for_offline_use_is_forgotten(
        launch, live_server, door_scene, make_registration):
    event, checkpoint, user = door_scene
    make_registration(event, first_name="Ingrid", last_name="Løvlie")
    context, page = launch(user)
    url = scanner_url(live_server, event, checkpoint)
    page.goto(url)
    page.wait_for_selector("#scanner[data-kept=true]", timeout=VERDICT_TIMEOUT)
    page.click("form[action='/logout'] button")
    page.wait_for_url(lambda u: "/checkin/" not in u)
    page.goto(url)  # online: the server sends the login page; the worker forgets the scanner
    assert "/login" in page.url
    context.set_offline(True)
    from playwright.sync_api import Error as PlaywrightError

    with pytest.raises(PlaywrightError, match=r"net::ERR_"):  # nothing kept to show
        page.goto(url)
