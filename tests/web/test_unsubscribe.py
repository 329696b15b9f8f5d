"""One-click unsubscribe (RFC 8058): a POST with ``List-Unsubscribe=One-Click`` to the link
unsubscribes without login or CSRF token; GET only asks; forged links are 404."""

from __future__ import annotations

import pytest

from conference.services.messaging.unsubscribe import is_unsubscribed, unsubscribe_token


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _url(event, address) -> str:
    return f"/e/{event.slug}/unsubscribe/{unsubscribe_token(event, address)}"


def test_the_link_shows_a_confirmation_and_changes_nothing(client, mail_world):
    event = mail_world["event"]
    response = client.get(_url(event, "ben@example.org"))
    assert response.status_code == 200
    assert "ben@example.org" in response.get_data(as_text=True)
    assert not is_unsubscribed(event.id, "ben@example.org")


def test_a_one_click_post_unsubscribes_without_login_or_csrf_token(client, mail_world,
                                                                   csrf_on):
    event = mail_world["event"]
    response = client.post(_url(event, "Ben@Example.org"),
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert is_unsubscribed(event.id, "ben@example.org")
    assert not is_unsubscribed(event.id, "ola@example.org")


def test_unsubscribing_from_one_event_keeps_the_others(client, mail_world, make_event):
    other = make_event()
    client.post(_url(mail_world["event"], "ben@example.org"),
                data={"List-Unsubscribe": "One-Click"})
    assert not is_unsubscribed(other.id, "ben@example.org")


def test_a_second_click_is_harmless(client, mail_world):
    url = _url(mail_world["event"], "ben@example.org")
    assert client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_a_post_without_the_one_click_body_is_refused(client, mail_world):
    event = mail_world["event"]
    assert client.post(_url(event, "ben@example.org")).status_code == 400
    assert not is_unsubscribed(event.id, "ben@example.org")


@pytest.mark.parametrize("token", ["x" * 32, "YmVuQGV4YW1wbGUub3Jn.AAAAAAAAAAAAAAAAAAAAAA",
                                   "%ff.%ff", "." * 5])
def test_a_forged_link_is_404(client, mail_world, token):
    event = mail_world["event"]
    assert client.get(f"/e/{event.slug}/unsubscribe/{token}").status_code == 404
    assert client.post(f"/e/{event.slug}/unsubscribe/{token}",
                       data={"List-Unsubscribe": "One-Click"}).status_code == 404


def test_a_link_of_another_event_does_not_work_here(client, mail_world, make_event):
    other = make_event()
    token = unsubscribe_token(other, "ben@example.org")
    url = f"/e/{mail_world['event'].slug}/unsubscribe/{token}"
    assert client.get(url).status_code == 404
