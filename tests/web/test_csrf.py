"""With CSRF protection on (as in production), a form posted without its token is refused."""

from __future__ import annotations

import re

import pytest

from conference.extensions import db
from conference.models import Question, QuestionKind, Role
from conference.services.sessions import start_session
from tests.fixtures.core import PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _token(client, path) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_a_login_without_the_token_gets_the_400_page(client, make_user):
    user = make_user(Role.ORGANIZER)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302


def test_a_login_with_the_token_works(client, make_user):
    user = make_user(Role.ORGANIZER)
    token = _token(client, "/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/manage/").status_code == 200


def test_logout_and_language_switch_need_the_token(client, make_user):
    assert client.post("/lang", data={"lang": "pl", "next": "/"}).status_code == 400
    assert client.post("/logout").status_code == 400
    token = _token(client, "/")
    assert client.post("/lang", data={"lang": "pl", "next": "/",
                                      "csrf_token": token}).status_code == 302


@pytest.mark.parametrize("kind", ["ticket-types", "questions"])
def test_a_deletion_without_the_token_is_refused(client, make_user, make_event,
                                                 make_ticket_type, kind):
    event = make_event()
    if kind == "ticket-types":
        target = make_ticket_type(event)
    else:
        target = Question(event=event, label="Diet", kind=QuestionKind.SHORT_TEXT)
        db.session.add(target)
        db.session.commit()
    model, target_id = type(target), target.id
    user = make_user(Role.ORGANIZER, events=[event])
    client.post("/login", data={"email": user.email, "password": PASSWORD,
                                "csrf_token": _token(client, "/login")})
    url = f"/manage/{event.slug}/{kind}/{target_id}/delete"
    assert client.post(url).status_code == 400
    db.session.expire_all()
    assert db.session.get(model, target_id) is not None
    assert client.post(url, data={"csrf_token": _token(client, url)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(model, target_id) is None


def test_hiding_a_speaker_needs_the_token(client, make_event, make_user, make_speaker):
    event = make_event()
    speaker = make_speaker(event)
    cookie_value = start_session(make_user(Role.ORGANIZER, events=[event]))
    db.session.commit()
    with client.session_transaction() as session:  # the login form needs a token now
        session["_user_id"] = cookie_value
    url = f"/manage/{event.slug}/cfp/speakers/{speaker.id}/hide"
    assert client.post(url).status_code == 400
    token = _token(client, f"/manage/{event.slug}/cfp/speakers")
    assert client.post(url, data={"csrf_token": token}).status_code == 302
