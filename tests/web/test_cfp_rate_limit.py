"""The public submission form is rate-limited."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config):
    return dict(app_config, RATELIMIT_ENABLED=True, CFP_RATE_LIMIT="2 per minute",
                RATELIMIT_STORAGE_URI="memory://")


def test_submissions_beyond_the_limit_get_429(client, make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    statuses = [client.post(f"/e/{event.slug}/cfp", data={}).status_code for _ in range(3)]
    assert statuses[:2] == [422, 422]
    assert statuses[2] == 429
