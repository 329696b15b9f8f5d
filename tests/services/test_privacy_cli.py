"""``flask privacy anonymise``."""

from __future__ import annotations

import datetime as dt

from conference.extensions import db
from conference.models import Registration


def _past_event(make_event, make_registration):
    # Ended long ago: its 12 months are over whenever the test runs.
    event = make_event(starts_on=dt.date(2020, 5, 12), ends_on=dt.date(2020, 5, 13))
    make_registration(event, email="kasia@example.org")
    return event


def test_dry_run_counts_and_changes_nothing(app, make_event, make_registration):
    event = _past_event(make_event, make_registration)
    result = app.test_cli_runner().invoke(
        args=["privacy", "anonymise", "--event", event.slug, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry-run registrations=1" in result.output
    assert db.session.query(Registration).one().email == "kasia@example.org"


def test_without_event_anonymises_every_due_event(app, make_event, make_registration):
    event = _past_event(make_event, make_registration)
    result = app.test_cli_runner().invoke(args=["privacy", "anonymise"])
    assert result.exit_code == 0, result.output
    assert f"event={event.slug} registrations=1" in result.output
    db.session.expire_all()
    assert db.session.query(Registration).one().anonymised_at is not None


def test_unknown_event_is_a_usage_error(app):
    result = app.test_cli_runner().invoke(args=["privacy", "anonymise", "--event", "nope"])
    assert result.exit_code == 2 and "No event" in result.output
