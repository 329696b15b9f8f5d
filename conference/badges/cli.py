"""``flask badges render``: print-ready badge PDFs from the command line."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from conference.extensions import db
from conference.models import Event
from conference.services.badges.pdf import LAYOUTS

badges_cli = AppGroup("badges", help="Badge PDFs.")


@badges_cli.command("render")
@click.option("--event", "slug", required=True, help="The event's slug.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF file to write.")
@click.option("--layout", type=click.Choice(sorted(LAYOUTS)),
              help="Print format (default: the event's setting).")
@click.option("--double-sided/--single-sided", default=None,
              help="Print backs (default: the event's setting).")
def render_command(slug, out, layout, double_sided):
    """Render the badges of every confirmed registration, sorted by last name."""
    from conference.services.badges.core import BadgeError, render_badges, select_for_badges

    event = db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()
    if event is None:
        raise click.ClickException(f"no event with slug {slug!r}")
    registrations = select_for_badges(event)
    started = time.perf_counter()
    with click.progressbar(length=len(registrations), label="Rendering badges") as bar:
        try:
            pdf = render_badges(registrations, layout=layout, double_sided=double_sided,
                                progress=bar.update)
        except BadgeError as error:
            raise click.ClickException(error.message) from error
    out.write_bytes(pdf)
    seconds = time.perf_counter() - started
    click.echo(f"{len(registrations)} badges written to {out} in {seconds:.1f} s")
