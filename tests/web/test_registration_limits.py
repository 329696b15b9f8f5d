"""Rate limits on the registration and lost-link forms, per client address."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config):
    app_config.update(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="3 per minute")
    return app_config


@pytest.mark.parametrize("path", ["/e/limits/register", "/e/limits/lost-link"])
def test_too_many_posts_from_one_address_get_429(client, make_event, path):
    make_event(slug="limits")
    statuses = [client.post(path, data={"email": "x@example.org"},
                            environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code
                for _ in range(4)]
    assert 429 not in statuses[:3]
    assert statuses[3] == 429
    other = client.post(path, data={"email": "x@example.org"},
                        environ_base={"REMOTE_ADDR": "203.0.113.10"})
    assert other.status_code != 429
