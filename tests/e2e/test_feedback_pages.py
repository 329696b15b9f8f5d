"""Feedback in a real Chromium: an attendee rates on a 360 px phone by tapping the rating
labels; the rating page with errors, the speaker's results and the organizers' charts fit
the phone and pass axe-core."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import Feedback, FeedbackOpening
from conference.models.types import utcnow
from conference.services.feedback.core import save_settings
from tests.e2e.test_every_page import AXE, DESKTOP, OVERFLOW_JS, PHONE
from tests.fixtures.core import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

LONG_TITLE = "Pneumonoultramicroscopicsilicovolcanoconiosis and other occupational diseases"


@pytest.fixture
def world(feedback_world, open_feedback, make_speaker, make_registration):
    """Feedback open for a month; the booked session has a long title, a speaker and two
    ratings from other attendees."""
    w = feedback_world
    open_feedback(w.event, closes_at=utcnow() + dt.timedelta(days=30))
    w.booked.title = LONG_TITLE
    speaker = make_speaker(w.event, name="Bartłomiej Grzegorz Żółkiewski-Wąsowicz")
    w.booked.speakers.append(speaker)
    for rating, comment in ((5, "Superkalifradżilistikekspialitoczny " * 3), (3, "")):
        other = make_registration(w.event)
        db.session.add(Feedback(event_id=w.event.id, registration_id=other.id,
                                session_id=w.booked.id, rating=rating, comment=comment))
    db.session.commit()
    w.speaker = speaker
    return w


def _axe_findings(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
        ".violations.map((v) => ({id: v.id, impact: v.impact,"
        " targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))")
    return [f"{v['id']} ({v['impact']}) at {v['targets']}" for v in violations
            if v["impact"] in ("critical", "serious")]


def _fits(page) -> bool:
    result = page.evaluate(OVERFLOW_JS)
    return result["scroll"] <= result["width"]


def test_an_attendee_rates_on_a_phone_by_tapping_the_labels(world, live_server, chromium):
    w = world
    context = chromium.new_context(base_url=live_server, viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(f"/e/{w.event.slug}/r/{w.registration.token}/feedback")
    assert _fits(page)
    page.get_by_label("4 – very good").first.click()  # the event
    page.locator(f"#rating_s{w.booked.id}-4 + label").click()
    page.fill(f"#comment_s{w.booked.id}", "Hands-on and clear")
    page.get_by_role("button", name="Save my feedback").click()
    page.wait_for_selector(".flash-success")
    context.close()
    db.session.expire_all()
    mine = {row.session_id: (row.rating, row.comment) for row in db.session.execute(
        db.select(Feedback).where(Feedback.registration_id == w.registration.id)).scalars()}
    assert mine == {None: (4, ""), w.booked.id: (5, "Hands-on and clear")}


def test_the_rating_page_with_errors_fits_a_phone_and_passes_axe(world, live_server,
                                                                 chromium):
    w = world
    context = chromium.new_context(base_url=live_server, viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(f"/e/{w.event.slug}/r/{w.registration.token}/feedback")
    page.fill("#comment_event", "A comment without a rating")
    page.get_by_role("button", name="Save my feedback").click()
    page.wait_for_selector(".errors")
    assert _fits(page)
    assert _axe_findings(page) == []
    context.close()


def test_the_speakers_results_fit_a_phone_and_pass_axe(world, live_server, chromium):
    w = world
    save_settings(w.event, enabled=True, opening=FeedbackOpening.AFTER_EVENT,
                  closes_at=utcnow() - dt.timedelta(minutes=1))
    db.session.commit()
    context = chromium.new_context(base_url=live_server, viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(f"/e/{w.event.slug}/speaker/{w.speaker.token}")
    assert page.locator("svg.feedback-chart").count() == 1
    assert _fits(page)
    assert _axe_findings(page) == []
    context.close()


def test_the_organizers_results_pass_axe_and_fit_a_phone(world, live_server, chromium,
                                                         make_user):
    w = world
    user = make_user(events=[w.event])
    for viewport in (DESKTOP, PHONE):
        context = chromium.new_context(base_url=live_server, viewport=viewport,
                                       bypass_csp=True)
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", user.email)
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(f"/manage/{w.event.slug}/feedback")
        assert page.locator("svg.feedback-chart").count() >= 3
        assert _fits(page)
        assert _axe_findings(page) == []
        context.close()
