"""Error pages in the site's look, JSON errors for API paths, and security headers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import abort

from conference import create_app
from conference.extensions import db
from conference.models import Role
from conference.security import public


def _in_site_look(response) -> bool:
    html = response.get_data(as_text=True)
    return 'class="site-header"' in html and "/static/css/site.css" in html


def test_an_unknown_page_gets_the_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert _in_site_look(response)


def test_a_forbidden_page_gets_the_403_page(client, make_user, make_event, login):
    make_event(slug="other")
    login(client, make_user(Role.ORGANIZER))
    response = client.get("/manage/other/")
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)
    assert _in_site_look(response)


def test_a_wrong_method_gets_the_405_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "This address does not accept this kind of request." in response.get_data(
        as_text=True)
    assert _in_site_look(response)


@pytest.fixture
def failing_app(app_config):
    """An app with test-only routes that fail, serving errors as in production."""
    application = create_app({**app_config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @application.route("/boom")
    @public
    def boom():
        raise RuntimeError("test failure")

    @application.route("/api/boom")
    @public
    def api_boom():
        raise RuntimeError("test failure")

    @application.route("/db-boom")
    @public
    def db_boom():
        db.session.execute(sa.text("SELECT * FROM no_such_table"))

    @application.route("/api/missing")
    @public
    def api_missing():
        abort(404)

    yield application
    with application.app_context():
        db.engine.dispose()


def test_an_unhandled_error_gets_the_500_page(failing_app):
    response = failing_app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "test failure" not in response.get_data(as_text=True)
    assert _in_site_look(response)


def test_a_failed_database_statement_still_gets_the_500_page(failing_app):
    response = failing_app.test_client().get("/db-boom")
    assert response.status_code == 500
    assert _in_site_look(response)


def test_api_paths_get_json_errors(failing_app):
    client = failing_app.test_client()
    response = client.get("/api/boom")
    assert response.status_code == 500
    assert response.get_json() == {"status": "error", "reason": "internal_server_error"}
    response = client.get("/api/missing")
    assert response.status_code == 404
    assert response.get_json() == {"status": "error", "reason": "not_found"}


def test_an_unknown_api_path_gets_json(client):
    response = client.get("/e/x/api/nothing")
    assert response.status_code == 404
    assert response.get_json()["status"] == "error"


def test_a_client_asking_for_json_gets_json_errors(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {"status": "error", "reason": "not_found"}


def test_an_anonymous_json_client_gets_401_not_a_redirect(client):
    response = client.get("/manage/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json() == {"status": "error", "reason": "login_required"}


@pytest.mark.parametrize("path", ["/", "/login", "/no/such/page"])
def test_responses_carry_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_https_responses_carry_hsts(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_script_or_style(client, make_event):
    make_event(slug="page")
    for path in ("/", "/e/page/", "/login", "/no/such/page"):
        html = client.get(path).get_data(as_text=True)
        # Scripts come from files; a JSON-LD data block (never executed) is the exception.
        assert "<script>" not in html and "<script " not in html.replace(
            '<script src="/static/', "").replace('<script type="application/ld+json">', "")
        assert " style=" not in html and "<style" not in html
        assert " onclick=" not in html and " onchange=" not in html
