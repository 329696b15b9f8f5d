"""Private pages are never stored by a browser or shared cache: every route whose URL
carries a secret and every page behind a login answers ``Cache-Control: no-store`` (with
the usual ``Referrer-Policy``), whatever its status.

The routes come from ``app.url_map`` and the sample objects from the route-access test, so
a new route is covered without editing this test.
"""

from __future__ import annotations

from conference.models import Role
from conference.security import ACCESS_LEVELS
from tests.web.test_access import _build_url, _routes, url_values
from tests.web.test_access import world as world  # noqa: F401 - the shared fixture

LOGGED_IN_LEVELS = set(ACCESS_LEVELS) - {"public", "token"}


def _carries_secret(argument: str) -> bool:
    return argument in {"token", "secret"} or argument.endswith(("_token", "_secret"))


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _assert_private(response, what: str) -> None:
    assert response.headers.get("Cache-Control") == "no-store", \
        f"{what}: Cache-Control is {response.headers.get('Cache-Control')!r}"
    assert response.headers.get("Referrer-Policy") == "same-origin", what


def test_every_route_with_a_secret_in_its_url_is_no_store(app, world):
    values = url_values(world)
    forged = dict(values, **{k: "x" * 32 for k in values if _carries_secret(k)})
    client = app.test_client()
    rules = [r for r in _routes(app) if any(_carries_secret(a) for a in r.arguments)]
    assert len(rules) >= 20
    opened = 0
    for rule in rules:
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        assert access != "public", f"{rule.rule} carries a secret but is marked public"
        for method in _methods(rule):
            response = client.open(_build_url(rule, values), method=method)
            _assert_private(response, f"{method} {rule.rule}")
            opened += method == "GET" and response.status_code == 200
            _assert_private(client.open(_build_url(rule, forged), method=method),
                            f"{method} {rule.rule} with a forged secret")
    assert opened >= 10  # the real pages, not only their refusals


def test_the_personal_pages_named_in_the_issue_are_no_store(app, world):
    client = app.test_client()
    event, registration = world["event"], world["registration"]
    base = f"/e/{event.slug}/r/{registration.token}"
    pages = [f"{base}/agenda", f"{base}/programme", f"{base}/programme/{world['session_id']}",
             f"/e/{event.slug}/agenda/{world['feed_token']}.ics",
             f"/e/{event.slug}/cfp/p/{world['proposal'].token}",
             f"/e/{event.slug}/speaker/{world['speaker'].token}"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_private(response, url)


def test_every_page_behind_a_login_is_no_store(app, world, make_user, login):
    values = url_values(world)
    organizer, superuser, anonymous = app.test_client(), app.test_client(), app.test_client()
    login(organizer, world["users"]["organizer"])
    login(superuser, make_user(Role.ORGANIZER, superuser=True))
    checked = 0
    for rule in _routes(app):
        level = getattr(app.view_functions[rule.endpoint], "access", None)
        if level not in LOGGED_IN_LEVELS:
            continue
        url = _build_url(rule, values)
        for method in _methods(rule):
            # Refusals and login redirects are private too.
            _assert_private(anonymous.open(url, method=method), f"anonymous {method} {url}")
        if "GET" in rule.methods:
            owner = superuser if level == "superuser" else organizer
            response = owner.get(url)
            assert response.status_code in (200, 302), f"{url}: {response.status_code}"
            _assert_private(response, f"GET {url}")
            checked += 1
    assert checked >= 50


def test_a_public_page_seen_by_a_logged_in_organizer_is_no_store(app, world, login):
    client = app.test_client()
    login(client, world["users"]["organizer"])
    _assert_private(client.get(f"/e/{world['event'].slug}/"), "event page, logged in")


def test_public_pages_for_visitors_stay_cacheable(app, world):
    response = app.test_client().get(f"/e/{world['event'].slug}/")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
