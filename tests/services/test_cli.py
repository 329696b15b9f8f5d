"""The `flask users` and `flask demo` commands."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import Event, Role, User


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    return invoke


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()


def test_users_create_makes_an_account_with_its_role(cli):
    result = cli("users", "create", "Door@Example.org", "--role", "door", "--name", "Jan",
                 "--password", "long-enough-password")
    assert result.exit_code == 0, result.output
    user = _user("door@example.org")
    assert user.role is Role.DOOR and user.name == "Jan" and not user.is_superuser
    assert user.check_password("long-enough-password")


def test_users_create_makes_a_superuser(cli):
    result = cli("users", "create", "boss@example.org", "--superuser",
                 "--password", "long-enough-password")
    assert result.exit_code == 0, result.output
    user = _user("boss@example.org")
    assert user.is_superuser and user.role is Role.ORGANIZER


def test_users_create_generates_a_password_with_dash(cli):
    result = cli("users", "create", "gen@example.org", "--password", "-")
    assert result.exit_code == 0, result.output
    password = result.output.split("Generated password: ")[1].split()[0]
    assert len(password) >= 12
    assert _user("gen@example.org").check_password(password)


def test_users_create_prompts_for_the_password(cli):
    result = cli("users", "create", "prompt@example.org",
                 input="long-enough-password\nlong-enough-password\n")
    assert result.exit_code == 0, result.output
    assert _user("prompt@example.org").check_password("long-enough-password")


def test_users_create_assigns_events(cli, make_event):
    event = make_event(slug="lsos-2026")
    result = cli("users", "create", "org@example.org", "--event", "lsos-2026",
                 "--password", "long-enough-password")
    assert result.exit_code == 0, result.output
    assert [e.id for e in _user("org@example.org").events] == [event.id]


def test_users_create_refuses_an_unknown_event(cli):
    result = cli("users", "create", "org@example.org", "--event", "nope",
                 "--password", "long-enough-password")
    assert result.exit_code == 1
    assert "no event with slug 'nope'" in result.output
    assert _user("org@example.org") is None


def test_users_create_refuses_a_duplicate_email_cleanly(cli, make_user):
    make_user(Role.ORGANIZER, email="taken@example.org")
    result = cli("users", "create", "TAKEN@example.org", "--password", "long-enough-password")
    assert result.exit_code == 1
    assert "Error: An account with this email already exists." in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "two@@example.org"])
def test_users_create_refuses_a_bad_email(cli, email):
    result = cli("users", "create", email, "--password", "long-enough-password")
    assert result.exit_code == 1
    assert "Error: That is not a valid email address." in result.output
    assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 0


def test_users_create_refuses_a_short_password(cli):
    result = cli("users", "create", "short@example.org", "--password", "short")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output


def test_users_create_refuses_an_unknown_role(cli):
    result = cli("users", "create", "x@example.org", "--role", "king", "--password", "x" * 12)
    assert result.exit_code == 2


def test_users_list_shows_accounts_with_role_and_events(cli, make_user, make_event):
    event = make_event(slug="lsos-2026")
    make_user(Role.REVIEWER, email="rev@example.org", events=[event])
    make_user(Role.ORGANIZER, email="boss@example.org", superuser=True)
    make_user(Role.DOOR, email="gone@example.org", active=False)
    result = cli("users", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines == [
        "boss@example.org\torganizer superuser\t-",
        "gone@example.org\tdoor inactive\t-",
        "rev@example.org\treviewer\tlsos-2026",
    ]


def test_users_set_password_changes_it(cli, make_user):
    make_user(Role.DOOR, email="door@example.org")
    result = cli("users", "set-password", "Door@example.org",
                 input="another-password-1\nanother-password-1\n")
    assert result.exit_code == 0, result.output
    assert _user("door@example.org").check_password("another-password-1")


def test_users_set_password_refuses_a_short_one_and_unknown_accounts(cli, make_user):
    make_user(Role.DOOR, email="door@example.org")
    result = cli("users", "set-password", "door@example.org", "--password", "short")
    assert result.exit_code == 1 and "at least 10 characters" in result.output
    result = cli("users", "set-password", "nobody@example.org", "--password", "x" * 12)
    assert result.exit_code == 1 and "no account nobody@example.org" in result.output


def _event_count() -> int:
    db.session.expire_all()
    return db.session.execute(db.select(db.func.count(Event.id))).scalar()


def test_demo_loads_once_and_refuses_a_second_time_without_force(cli):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Demo loaded: event lsos-")
    assert _event_count() == 1
    assert _user("organizer@lsos.example").is_superuser
    second = cli("demo")
    assert second.exit_code == 0
    assert "already has events" in second.output
    assert _event_count() == 1


def test_demo_with_force_adds_a_second_copy(cli):
    assert cli("demo").exit_code == 0
    forced = cli("demo", "--force")
    assert forced.exit_code == 0, forced.output
    slugs = sorted(db.session.execute(db.select(Event.slug)).scalars())
    assert len(slugs) == 2 and slugs[1] == slugs[0] + "-2"


def test_the_demo_event_is_published_and_shown(cli, client):
    cli("demo")
    event = db.session.execute(db.select(Event)).scalar_one()
    html = client.get(f"/e/{event.slug}/").get_data(as_text=True)
    assert "LifeScience Open Space" in html and "ICE Kraków" in html


def test_users_deactivate_and_activate(cli, make_user):
    make_user(Role.DOOR, email="door@example.org")
    result = cli("users", "deactivate", "Door@example.org")
    assert result.exit_code == 0, result.output
    assert not _user("door@example.org").active
    assert cli("users", "activate", "door@example.org").exit_code == 0
    assert _user("door@example.org").active
    result = cli("users", "deactivate", "nobody@example.org")
    assert result.exit_code == 1 and "no account nobody@example.org" in result.output
