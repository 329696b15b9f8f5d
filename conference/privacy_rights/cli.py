"""``flask privacy``: anonymisation from the command line (or cron, without Celery beat)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from conference.extensions import db
from conference.models import Event

privacy_cli = AppGroup("privacy", help="Retention and anonymisation of personal data.")


@privacy_cli.command("anonymise")
@click.option("--event", "slug", help="Only this event (default: every event that is due).")
@click.option("--dry-run", is_flag=True, help="Count what would go; change nothing.")
@click.option("--early", is_flag=True,
              help="With --event: anonymise now, before the retention period is over.")
def anonymise_command(slug, dry_run, early):
    """Anonymise the personal data that the events' retention settings say is due (and,
    without --event, complete the erasure requests whose waiting time is over)."""
    from conference.services.privacy.anonymise import anonymise, anonymise_due_events

    if slug is None:
        if early:
            raise click.UsageError("--early needs --event.")
        if dry_run:
            events = db.session.execute(db.select(Event).order_by(Event.id)).scalars()
            for event in events:
                _echo(event, anonymise(event, dry_run=True))
            return
        from conference.services.privacy.rights import complete_due_erasures

        for done_slug, count in anonymise_due_events().items():
            click.echo(f"event={done_slug} registrations={count}")
        click.echo(f"erasures_completed={complete_due_erasures()}")
        return
    event = db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()
    if event is None:
        raise click.UsageError(f"No event {slug!r}.")
    _echo(event, anonymise(event, dry_run=dry_run, early=early))


def _echo(event: Event, report) -> None:
    state = "dry-run" if report.dry_run else ("not-due" if report.skipped else "done")
    click.echo(f"event={event.slug} {state} registrations={report.registrations} "
               f"sensitive_answers={report.sensitive_answers} "
               f"outbox_messages={report.outbox_messages} speakers={report.speakers}")
