"""``flask registrations expire-offers``."""

from __future__ import annotations

import datetime as dt

from conference.extensions import db
from conference.models import RegistrationState, WaitlistMode
from conference.services.registration.core import cancel


def test_expire_offers_command_passes_lapsed_offers_on(app, make_event, make_ticket_type,
                                                       sign_up):
    event = make_event(slug="cli-event", waitlist_mode=WaitlistMode.OFFER, waitlist_offer_hours=1)
    ticket = make_ticket_type(event, capacity=1)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    holder = sign_up(event, ticket, now=long_ago)
    first = sign_up(event, ticket, now=long_ago)
    second = sign_up(event, ticket, now=long_ago + dt.timedelta(seconds=1))
    cancel(holder, now=long_ago)
    result = app.test_cli_runner().invoke(args=["registrations", "expire-offers",
                                                "--event", "cli-event"])
    assert result.exit_code == 0, result.output
    assert "expired=1" in result.output
    db.session.expire_all()
    assert first.state is RegistrationState.CANCELLED
    assert second.offer_expires_at is not None


def test_expire_offers_command_refuses_an_unknown_event(app):
    result = app.test_cli_runner().invoke(args=["registrations", "expire-offers", "--event", "x"])
    assert result.exit_code != 0
    assert "no event" in result.output


def test_the_mail_worker_passes_lapsed_offers_on_and_sends_the_new_offer(
        app, make_event, make_ticket_type, sign_up, smtp_server):
    from conference.services.messaging.outbox import run_worker
    from conference.services.registration.waitlist import expire_offers

    event = make_event(waitlist_mode=WaitlistMode.OFFER, waitlist_offer_hours=1)
    ticket = make_ticket_type(event, capacity=1)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    holder = sign_up(event, ticket, now=long_ago)
    first = sign_up(event, ticket, now=long_ago)
    second = sign_up(event, ticket, now=long_ago + dt.timedelta(seconds=1))
    cancel(holder, now=long_ago)
    run_worker(once=True, housekeeping=[expire_offers])
    db.session.expire_all()
    assert first.state is RegistrationState.CANCELLED
    assert second.offer_expires_at is not None
    subjects = [m["Subject"] for m in smtp_server.to(second.email)]
    assert any("A seat is free for you" in subject for subject in subjects), subjects
