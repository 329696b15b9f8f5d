"""Every page in a real Chromium: fits a 360 px phone, and axe-core finds nothing serious.

The pages come from the app's URL map (as in tests/web/test_access.py), filled with one
object of each kind whose names and emails are long, the way real ones sometimes are.
Each audience sees its own pages: visitors and attendees the public and private-link pages,
door staff the door pages, organizers everything in the back office.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conference.extensions import db
from conference.models import Proposal, Session
from tests.conftest import skip_or_fail
from tests.fixtures.core import PASSWORD
from tests.web.test_access import _build_url, _routes, url_values, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
LANGUAGES = ("en", "pl")
#: Which access levels each audience walks, and who logs in for it.
AUDIENCES = {
    "anonymous": ("public", "token"),
    "door": ("staff", "door"),
    "organizer": ("staff", "reviewer", "organizer"),
}
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
#: axe-core impacts that fail the test, and rules that fail it whatever their impact.
BLOCKING_IMPACTS = ("critical", "serious")
BLOCKING_RULES = ("empty-table-header",)

LONG_EMAIL = "maximiliana.konstancja.wierzbicka-szczepanska@uniwersytet-jagiellonski.example.org"


@pytest.fixture
def long_world(world):  # noqa: F811 (the fixture imported above)
    """The route-walk world, with names and emails as long as real ones get."""
    event = world["event"]
    event.name = "LifeScience Open Space 2026: Międzynarodowa Konferencja Biotechnologiczna"
    event.venue_name = "Centrum Kongresowe Uniwersytetu Jagiellońskiego w Krakowie"
    event.venue_address = "ul. Profesora Stanisława Łojasiewicza 11, 30-348 Kraków, Polska"
    event.contact_email = "konferencja-lifescience-open-space@klaster-life-science.example.org"
    registration = world["registration"]
    registration.first_name = "Maximiliana Konstancja"
    registration.last_name = "Wierzbicka-Szczepańska"
    registration.email = LONG_EMAIL
    registration.organization = "Małopolskie Centrum Biotechnologii Uniwersytetu Jagiellońskiego"
    registration.job_title = "Kierowniczka Pracowni Bioinformatyki Strukturalnej"
    speaker = world["speaker"]
    speaker.name = "Bartłomiej Grzegorz Żółkiewski-Wąsowicz"
    speaker.email = "bartlomiej.grzegorz.zolkiewski-wasowicz@instytut-farmakologii.example.org"
    speaker.affiliation = "Instytut Farmakologii im. Jerzego Maja Polskiej Akademii Nauk"
    proposal = db.session.get(Proposal, world["proposal"].id)
    proposal.title = ("Deoxyribonucleoprotein-complex-immunoprecipitation-sequencing in "
                      "single-cell chromatin accessibility studies")
    session = db.session.get(Session, world["session_id"])
    session.title = "Pneumonoultramicroscopicsilicovolcanoconiosis and other occupational diseases"
    db.session.commit()
    return world


def html_pages(app, objects, login, audience: str) -> list[str]:
    """URLs of the GET pages of ``audience`` that answer it with an HTML page (200)."""
    values = url_values(objects)
    client = app.test_client()
    if audience != "anonymous":
        login(client, objects["users"][audience])
    urls = []
    for rule in _routes(app):
        level = getattr(app.view_functions[rule.endpoint], "access", None)
        if "GET" not in rule.methods or level not in AUDIENCES[audience]:
            continue
        url = _build_url(rule, values)
        if url.startswith("/static/"):
            continue
        with client.get(url) as response:
            # Whole pages only: fragments that scripts fetch into a page are checked there.
            if (response.status_code == 200 and response.mimetype == "text/html"
                    and response.data.lstrip()[:15].lower() == b"<!doctype html>"):
                urls.append(url)
    assert urls, f"no HTML pages found for {audience}"
    return urls


def open_context(browser, base_url: str, objects, audience: str, language: str, **options):
    """A browser context in ``language``, logged in as ``audience`` through the login form."""
    context = browser.new_context(base_url=base_url, **options)
    context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
    if audience != "anonymous":
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", objects["users"][audience].email)
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url(lambda url: "/login" not in url)
        page.close()
    return context


OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const shown = [...document.body.querySelectorAll('*')]
    .filter((el) => !el.closest('.visually-hidden, .skip-link'));
  const wide = shown.filter((el) => el.getBoundingClientRect().right > width + 1
    || (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1
        && getComputedStyle(el).overflowX === 'visible'));
  const culprits = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  return {
    scroll: document.documentElement.scrollWidth, width,
    wide: culprits.slice(0, 4).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + [...el.classList].map((c) => '.' + c).join('')),
  };
}"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("audience", ["anonymous", "door"])
def test_no_public_attendee_or_door_page_scrolls_sideways_on_a_360px_phone(
        app, long_world, login, live_server, chromium, audience, language):
    urls = html_pages(app, long_world, login, audience)
    context = open_context(chromium, live_server, long_world, audience, language,
                           viewport=PHONE)
    page = context.new_page()
    failures = []
    for url in urls:
        page.goto(url)
        result = page.evaluate(OVERFLOW_JS)
        if result["scroll"] > result["width"]:
            failures.append(f"{url} [{audience}, {language}]: {result['scroll']} px wide "
                            f"in {result['width']} px; too wide: {result['wide']}")
    context.close()
    assert not failures, "pages wider than the phone:\n" + "\n".join(failures)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("audience", list(AUDIENCES))
def test_no_page_has_critical_or_serious_accessibility_findings(
        app, long_world, login, live_server, chromium, audience, language):
    if not AXE.exists():
        skip_or_fail(f"axe-core is missing: {AXE} (make vendor)")
    urls = html_pages(app, long_world, login, audience)
    # Attendees and door staff use phones, organizers desktops. Our Content-Security-Policy
    # would block the injected axe script.
    viewport = DESKTOP if audience == "organizer" else PHONE
    context = open_context(chromium, live_server, long_world, audience, language,
                           viewport=viewport, bypass_csp=True)
    page = context.new_page()
    failures = []
    for url in urls:
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']}))"
            ".violations.map((v) => ({id: v.id, impact: v.impact,"
            " targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))")
        for violation in violations:
            if violation["impact"] in BLOCKING_IMPACTS or violation["id"] in BLOCKING_RULES:
                failures.append(f"{url} [{audience}, {language}]: {violation['id']} "
                                f"({violation['impact']}) at {violation['targets']}")
    context.close()
    assert not failures, "accessibility findings:\n" + "\n".join(failures)


def test_a_page_loads_without_a_missing_resource_or_console_error(live_server, chromium):
    context = chromium.new_context(base_url=live_server)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("response", lambda response: response.status >= 400 and errors.append(
        f"{response.status} {response.url}"))
    page.goto("/")
    page.wait_for_load_state("networkidle")
    context.close()
    assert errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_forms_sent_empty_show_their_errors_without_serious_accessibility_findings(
        app, long_world, live_server, chromium, language):
    if not AXE.exists():
        skip_or_fail(f"axe-core is missing: {AXE} (make vendor)")
    slug = long_world["event"].slug
    context = open_context(chromium, live_server, long_world, "anonymous", language,
                           viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    failures = []
    for url in (f"/e/{slug}/register", f"/e/{slug}/cfp", f"/e/{slug}/lost-link", "/login"):
        page.goto(url)
        # The page's main form (the one with most fields), past the browser's own checks,
        # so that the server's messages show.
        with page.expect_navigation():
            page.evaluate("""() => {
              const forms = [...document.querySelectorAll('main form[method=post]')]
                .sort((a, b) => b.elements.length - a.elements.length);
              forms[0].noValidate = true;
              forms[0].requestSubmit(forms[0].querySelector('[type=submit]'));
            }""")
        assert page.locator(".errors, .flash").count() > 0, f"{url}: no error shown"
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']}))"
            ".violations.map((v) => ({id: v.id, impact: v.impact,"
            " targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))")
        failures += [f"{url} (sent empty) [{language}]: {v['id']} ({v['impact']}) at "
                     f"{v['targets']}" for v in violations if v["impact"] in BLOCKING_IMPACTS]
    context.close()
    assert not failures, "accessibility findings:\n" + "\n".join(failures)
