"""Every page of the app, opened by its organizer: each POST form carries a CSRF token, and
no page has inline script, inline event handlers or style attributes (the CSP forbids them).

Uses the `world` and URL values of the route-access test, so new feature pages are covered
as soon as they are registered.
"""

from __future__ import annotations

import re

import pytest

from conference.extensions import db
from conference.services.sessions import start_session
from tests.web.test_access import _build_url, _routes, url_values
from tests.web.test_access import world as world  # noqa: F401 - the shared fixture

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}  # forms render their tokens


def _pages(app, world):
    client = app.test_client()
    cookie_value = start_session(world["users"]["organizer"])
    db.session.commit()
    with client.session_transaction() as session:  # the login form needs a token now
        session["_user_id"] = cookie_value
        session["_fresh"] = True
    values = url_values(world)
    for rule in _routes(app):
        if "GET" not in rule.methods:
            continue
        url = _build_url(rule, values)
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            yield url, response.get_data(as_text=True)


def test_every_post_form_carries_a_csrf_token(app, world):
    missing = []
    checked = 0
    for url, html in _pages(app, world):
        for attributes, body in FORM.findall(html):
            if re.search(r'method\s*=\s*"?post', attributes, re.I):
                checked += 1
                # RFC 8058's one-click unsubscribe is a POST that mail clients send without a
                # session, so that route takes no CSRF token by design (it changes nothing but
                # the address's own opt-out). Flask-WTF reads a prefixed token ("list-csrf_token").
                if 'name="List-Unsubscribe"' in body:
                    continue
                if not re.search(r'name="(?:[\w-]+-)?csrf_token"', body):
                    missing.append(url)
    assert checked > 0
    assert not missing, f"POST forms without csrf_token on: {sorted(set(missing))}"


def test_no_page_has_inline_script_or_style(app, world):
    offenders = []
    for url, html in _pages(app, world):
        # Data blocks (schema.org JSON-LD) are never executed; anything else inline is.
        if re.search(r"<script(?![^>]*\ssrc=)(?![^>]*\stype=\"application/ld\+json\")[^>]*>",
                     html, re.I):
            offenders.append(f"{url}: inline <script>")
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html,
                                re.S):
            if "<" in block:
                offenders.append(f"{url}: markup inside a JSON-LD block")
        if INLINE_HANDLER.search(html):
            offenders.append(f"{url}: inline event handler")
        if re.search(r"<[^>]+\sstyle\s*=", html, re.I) or "<style" in html.lower():
            offenders.append(f"{url}: style attribute or element")
    assert not offenders, "\n".join(offenders)
