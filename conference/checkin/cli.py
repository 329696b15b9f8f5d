"""``flask checkin ...``: the checkpoints of an event and their check-in rules."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from conference.extensions import db
from conference.models import CheckinRule, Checkpoint, Event

checkin_cli = AppGroup("checkin", help="Check-in checkpoints and rules.")

RULE_NAMES = [rule.value for rule in CheckinRule]


def _event(slug: str) -> Event:
    event = db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()
    if event is None:
        raise click.ClickException(f"no event with slug {slug!r}")
    return event


@checkin_cli.command("checkpoints")
@click.option("--event", "slug", required=True, help="The event's slug.")
def list_checkpoints(slug):
    """List the event's checkpoints with their ids and rules."""
    from conference.services.checkin.checkpoints import checkpoints_of

    event = _event(slug)
    click.echo(f"entrances: {event.checkin_rule.value}")
    for checkpoint in checkpoints_of(event, active_only=False):
        kind = "entrance" if checkpoint.is_entrance else "workshop"
        own = "" if checkpoint.checkin_rule is None or checkpoint.is_entrance else " (own rule)"
        click.echo(f"{checkpoint.id}\t{kind}\t{checkpoint.rule.value}{own}\t{checkpoint.name}")


@checkin_cli.command("rule")
@click.option("--event", "slug", required=True, help="The event's slug.")
@click.option("--checkpoint", "checkpoint_id", type=int,
              help="A workshop checkpoint's id (see `flask checkin checkpoints`); without "
                   "it, or with an entrance, the rule of all entrances.")
@click.argument("rule", type=click.Choice(RULE_NAMES + ["event"]))
def set_rule(slug, checkpoint_id, rule):
    """Set how often a badge may pass: once, daily or unlimited (`event`: a workshop
    checkpoint follows the event's rule again)."""
    from conference.services.checkin.checkpoints import CheckpointError, set_checkin_rule

    event = _event(slug)
    checkpoint = None
    if checkpoint_id is not None:
        checkpoint = db.session.get(Checkpoint, checkpoint_id)
        if checkpoint is None or checkpoint.event_id != event.id:
            raise click.ClickException(f"no checkpoint {checkpoint_id} in {slug!r}")
    try:
        set_checkin_rule(event, checkpoint, None if rule == "event" else rule)
    except CheckpointError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    if checkpoint is None or checkpoint.is_entrance:
        click.echo(f"Entrances of {slug}: {event.checkin_rule.value}")
    else:
        click.echo(f"{checkpoint.name}: {checkpoint.rule.value}")
