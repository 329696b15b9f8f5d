"""Flask commands: staff accounts, demo data and the mail worker.

Feature modules add their own groups in ``init_app`` (e.g. ``flask badges``).
"""

from __future__ import annotations

import secrets

import click
from flask import Flask
from flask.cli import AppGroup

from conference.badges.cli import badges_cli
from conference.checkin.cli import checkin_cli
from conference.extensions import db
from conference.models import Event, Role, User
from conference.privacy_rights.cli import privacy_cli
from conference.registration.cli import registrations_cli

users_cli = AppGroup("users", help="Staff accounts.")
mail_cli = AppGroup("mail", help="The outbox mail worker.")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.ORGANIZER.value,
    show_default=True,
)
@click.option("--name", default="", help="Display name.")
@click.option("--superuser", is_flag=True, help="Manage every event and all accounts.")
@click.option("--event", "event_slugs", multiple=True, help="Assign to this event (repeatable).")
@click.option("--password", help="Password (prompted when omitted; use '-' to generate one).")
def create_user(email, role, name, superuser, event_slugs, password):
    """Create a staff account."""
    from conference.services.accounts import AccountError, create_account

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    elif password == "-":  # noqa: S105 - "-" asks for a generated password
        password = secrets.token_urlsafe(12)
        click.echo(f"Generated password: {password}")
    events = []
    for slug in event_slugs:
        event = db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()
        if event is None:
            raise click.ClickException(f"no event with slug {slug!r}")
        events.append(event)
    try:
        user = create_account(email=email, password=password, role=Role(role), name=name,
                              is_superuser=superuser, events=events)
    except AccountError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value}{', superuser' if superuser else ''})")


@users_cli.command("list")
def list_users():
    """List staff accounts with their role and events."""
    users = db.session.execute(db.select(User).order_by(User.email)).scalars()
    for user in users:
        events = ", ".join(e.slug for e in user.events) or "-"
        flags = " superuser" if user.is_superuser else ""
        flags += "" if user.active else " inactive"
        click.echo(f"{user.email}\t{user.role.value}{flags}\t{events}")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option()
def set_password(email, password):
    """Set a staff member's password."""
    from conference.services.accounts import AccountError, set_account_password

    user = db.session.execute(db.select(User).filter_by(email=email.lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no account {email}")
    try:
        set_account_password(user, password)
    except AccountError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo("Password changed.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_user(email):
    """Refuse an account's logins and end its sessions (the account is kept)."""
    _set_active(email, False)
    click.echo(f"{email} deactivated.")


@users_cli.command("activate")
@click.argument("email")
def activate_user(email):
    """Let a deactivated account log in again."""
    _set_active(email, True)
    click.echo(f"{email} activated.")


def _set_active(email: str, active: bool) -> None:
    user = db.session.execute(
        db.select(User).filter_by(email=email.strip().lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no account {email}")
    from conference.services.accounts import set_account_active

    set_account_active(user, active)
    db.session.commit()


@mail_cli.command("send-pending")
@click.option("--now", "right_away", is_flag=True,
              help="Also send deferred messages (waiting to retry) right away.")
def send_pending(right_away):
    """Deliver every due message once (with --now, deferred ones too)."""
    from conference.services.messaging.outbox import deliver_pending, force_deferred

    if right_away:
        force_deferred()
    report = deliver_pending(limit=10_000)
    click.echo(f"sent={report.sent} deferred={report.deferred} failed={report.failed}")


@mail_cli.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
def mail_worker(interval):
    """Deliver messages forever (run one or more beside the web servers).

    Each round also passes lapsed waiting-list offers on to the next in line.
    """
    from conference.services.messaging.outbox import run_worker
    from conference.services.registration.waitlist import expire_offers

    click.echo("mail worker running; Ctrl+C to stop")
    run_worker(interval=interval, housekeeping=[expire_offers])


@click.command("demo")
@click.option("--force", is_flag=True, help="Load even if the database already has events.")
def demo_command(force):
    """Load the demo event LifeScience Open Space (once, into an empty database)."""
    from conference.demo import load_demo

    if not force and db.session.execute(db.select(Event.id).limit(1)).first():
        click.echo("Database already has events; demo not loaded (use --force).")
        return
    summary = load_demo()
    click.echo(summary)


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(registrations_cli)
    app.cli.add_command(badges_cli)
    app.cli.add_command(checkin_cli)
    app.cli.add_command(privacy_cli)
