"""The public face in Chromium: the event page on a 360 px phone in each language, and the
registration widget inside a partner site's page (another origin), where only the widget
may be framed."""

from __future__ import annotations

import http.server
import threading
from decimal import Decimal

import pytest

from conference.extensions import db
from conference.models import SessionType
from tests.e2e.test_every_page import OVERFLOW_JS, PHONE
from tests.fixtures.cfp import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

#: Interface words of each language that must not show on the other language's page.
INTERFACE = {
    "en": ["Tickets", "Dates and venue", "Featured speakers", "Programme highlights",
           "Partners and sponsors", "Register", "Lunches on both days", "Opening keynote",
           "Three days of life science"],
    "pl": ["Bilety", "Termin i miejsce", "Wyróżnieni prelegenci",
           "Najciekawsze punkty programu", "Partnerzy i sponsorzy", "Zarejestruj",
           "Obiady w oba dni", "Wykład otwierający", "Trzy dni nauk o życiu"],
}


@pytest.fixture
def showcase_event(make_event, make_ticket_type, make_speaker, make_session):
    from conference.services.promotion.images import store_hero
    from conference.services.promotion.partners import PartnerFields, save_partner

    event = make_event(
        slug="lsos-2026",
        name="LifeScience Open Space 2026",
        pitch={"pl": "Trzy dni nauk o życiu w Krakowie, z partnerami z czterech regionów.",
               "en": "Three days of life science in Kraków, with partners from four regions."},
        hero_filename=store_hero(image_bytes(size=(1600, 840))))
    make_ticket_type(event, name={"pl": "Normalny", "en": "Regular"}, price=Decimal("450"),
                     includes={"pl": "Obiady w oba dni", "en": "Lunches on both days"},
                     capacity=8)
    star = make_speaker(event, name="Bartłomiej Grzegorz Żółkiewski-Wąsowicz",
                        is_invited=True, is_featured=True)
    make_session(event, title={"pl": "Wykład otwierający", "en": "Opening keynote"},
                 session_type=SessionType.KEYNOTE, speakers=[star])
    save_partner(event, None, PartnerFields(name="Małopolska", url="https://malopolska.example",
                                            logo=image_bytes()))
    db.session.commit()
    return event


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_event_page_fits_a_phone_in_one_language(live_server, chromium, showcase_event,
                                                     language):
    other = "en" if language == "pl" else "pl"
    context = chromium.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    page.goto(f"/e/lsos-2026/?lang={language}")
    overflow = page.evaluate(OVERFLOW_JS)
    text = page.inner_text("main")
    context.close()
    assert overflow["scroll"] <= overflow["width"], overflow
    shown = [word for word in INTERFACE[language] if word not in text]
    foreign = [word for word in INTERFACE[other] if word in text]
    assert (shown, foreign) == ([], [])


class _PartnerSite(http.server.BaseHTTPRequestHandler):
    """A partner's page (its own origin) framing ``self.server.framed``."""

    def do_GET(self):  # noqa: N802 (the standard library's name)
        body = (f'<!doctype html><html lang="en"><title>Partner region</title>'
                f'<h1>Partner region</h1><iframe id="widget" src="{self.server.framed}" '
                f'title="Registration" width="340" height="300"></iframe></html>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def partner_site():
    """Serves a partner page on ``localhost`` (another origin than the app's 127.0.0.1)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PartnerSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def page_framing(url: str) -> str:
        server.framed = url
        return f"http://localhost:{server.server_port}/"

    yield page_framing
    server.shutdown()
    server.server_close()
    thread.join(10)


def _framed_text(chromium, partner_url: str) -> str:
    context = chromium.new_context()
    page = context.new_page()
    page.goto(partner_url)
    page.wait_for_load_state("networkidle")
    frame = next(f for f in page.frames if f is not page.main_frame)
    try:
        text = frame.evaluate("() => document.body ? document.body.innerText : ''")
    except Exception:  # noqa: BLE001 - a blocked frame is an error page we cannot read
        text = ""
    context.close()
    return text


def test_a_partner_site_embeds_the_registration_widget(live_server, chromium, showcase_event,
                                                       partner_site):
    text = _framed_text(chromium, partner_site(f"{live_server}/e/lsos-2026/widget?lang=en"))
    assert "LifeScience Open Space 2026" in text and "Register" in text


def test_a_partner_site_cannot_frame_the_event_page(live_server, chromium, showcase_event,
                                                    partner_site):
    text = _framed_text(chromium, partner_site(f"{live_server}/e/lsos-2026/?lang=en"))
    assert "LifeScience Open Space 2026" not in text


def test_a_site_not_on_the_events_list_cannot_frame_the_widget(live_server, chromium,
                                                               showcase_event, partner_site):
    showcase_event.widget_origins = "https://only-this-partner.example"
    db.session.commit()
    text = _framed_text(chromium, partner_site(f"{live_server}/e/lsos-2026/widget?lang=en"))
    assert "LifeScience Open Space 2026" not in text
