"""Login attempts are limited per client address and per account (429 in the site's look)."""

from __future__ import annotations

import pytest

from conference.models import Role
from tests.fixtures.core import PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}


def _try(client, email, password=None, address="192.0.2.1"):
    return client.post("/login", data={"email": email, "password": password or "wrong-pass"},
                       environ_base={"REMOTE_ADDR": address})


def test_too_many_logins_from_one_address_get_429(client, make_user):
    user = make_user(Role.ORGANIZER)
    for n in range(3):
        assert _try(client, f"guess{n}@example.org").status_code == 200
    response = _try(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert 'class="site-header"' in response.get_data(as_text=True)


def test_too_many_logins_to_one_account_get_429_from_any_address(client, make_user):
    user = make_user(Role.ORGANIZER)
    for n in range(3):
        assert _try(client, user.email, address=f"198.51.100.{n}").status_code == 200
    assert _try(client, user.email, PASSWORD, address="203.0.113.9").status_code == 429


def test_showing_the_login_page_is_not_limited(client):
    for _ in range(5):
        assert client.get("/login").status_code == 200
