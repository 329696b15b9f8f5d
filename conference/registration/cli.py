"""``flask registrations ...``: waiting-list housekeeping."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from conference.extensions import db
from conference.models import Event

registrations_cli = AppGroup("registrations", help="Attendee registrations.")


@registrations_cli.command("expire-offers")
@click.option("--event", "slug", help="Only this event (default: all).")
def expire_offers_command(slug):
    """Pass expired waiting-list offers to the next in line (run every few minutes)."""
    from conference.services.registration.waitlist import expire_offers

    event = None
    if slug:
        event = db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()
        if event is None:
            raise click.ClickException(f"no event with slug {slug!r}")
    expired = expire_offers(event)
    click.echo(f"expired={len(expired)}")
