"""Partnering on a 360 px phone in a real Chromium: a participant from Kraków finds one
from Aragon in the directory and asks to meet; the other accepts from their private page."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import MeetingRequest, RequestState

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

PHONE = {"width": 360, "height": 740}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def app_config(app_config):
    return dict(app_config, WTF_CSRF_ENABLED=True)


def test_kraków_finds_aragon_in_the_directory_and_aragon_accepts(
        live_server, chromium, make_event, make_registration, make_partnering_settings,
        make_partnering_profile):
    event = make_event(language="en", languages="en,pl")
    make_partnering_settings(event)
    krakow = make_partnering_profile(
        event, make_registration(event, first_name="Zofia", last_name="Kowalska",
                                 organization="Kraków Biotech Cluster", country="PL"),
        requests=[("Licensing", "Diagnostic assays")])
    aragon = make_partnering_profile(
        event, make_registration(event, first_name="Jordi", last_name="Puig",
                                 organization="Instituto Aragonés de Ciencias de la Salud",
                                 country="ES"),
        country="ES", offers=[("Licensing", "Point-of-care diagnostics")])
    make_partnering_profile(event, make_registration(event, first_name="Kasia",
                                                     organization="Other Lab"))
    context = chromium.new_context(base_url=live_server, viewport=PHONE)
    context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page = context.new_page()

    # Zofia searches the directory, opens Jordi's profile and asks to meet.
    page.goto(f"/e/{event.slug}/r/{krakow.registration.token}/partnering/")
    page.get_by_role("link", name="Find partners").click()
    page.get_by_label("Search names, organisations and descriptions").fill("aragones")
    page.get_by_role("button", name="Search").click()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.get_by_role("link", name="Jordi Puig").click()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.get_by_label("Message (optional)").fill("Your diagnostics fit our assays.")
    page.get_by_role("button", name="Send a meeting request").click()
    page.get_by_text("Your request is sent.").wait_for()

    # Jordi opens his private page, then partnering, and accepts.
    page.goto(f"/e/{event.slug}/r/{aragon.registration.token}/")
    page.get_by_text("Your diagnostics fit our assays.").wait_for()
    page.get_by_role("link", name="Open partnering: find partners and answer requests").click()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.get_by_role("button", name="Accept Zofia Kowalska").click()
    page.get_by_text("Request accepted: you have a meeting.").wait_for()
    context.close()

    request = db.session.execute(db.select(MeetingRequest)).scalar_one()
    db.session.refresh(request)
    assert (request.requester_id, request.recipient_id, request.state) == (
        krakow.id, aragon.id, RequestState.ACCEPTED)
