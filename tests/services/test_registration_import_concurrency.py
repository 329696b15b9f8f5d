"""Parallel guest imports on PostgreSQL: the row locks keep the capacity exact."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from conference.extensions import db
from conference.models import Event, Registration, RegistrationState, Role, TicketType, User
from conference.services.registration.core import register
from conference.services.registration.guest_import import import_guests
from tests.fixtures.registration import attendee

SEATS = 5
HEADER = "first_name,last_name,email,ticket_type\n"


@pytest.fixture
def app_config(app_config):
    app_config.update(REGISTRATION_RACE_DELAY=0.3,
                      SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 10, "max_overflow": 0})
    return app_config


def _file(prefix: str) -> bytes:
    rows = "".join(f"Guest,{prefix}{chr(65 + i)},{prefix}{i}@example.org,Guest\n"
                   for i in range(SEATS))
    return (HEADER + rows).encode()


def _run_in_parallel(app, event_id: int, user_id: int, ticket_type_id: int) -> list[str]:
    def job(kind: str) -> str:
        with app.app_context():
            event = db.session.get(Event, event_id)
            user = db.session.get(User, user_id)
            try:
                if kind == "register":
                    ticket_type = db.session.get(TicketType, ticket_type_id)
                    return register(event, ticket_type, attendee(), privacy_consent=True
                                    ).state.value
                return f"imported {len(import_guests(event, _file(kind), by_user=user).imported)}"
            except Exception as error:  # noqa: BLE001 - every outcome is counted
                return type(error).__name__
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(job, ["alpha", "beta", "register", "register"]))


def _seats_taken(ticket_type_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(Registration.id)).where(
        Registration.ticket_type_id == ticket_type_id,
        Registration.state == RegistrationState.CONFIRMED))


def _assert_exact(ticket_type_id: int, results: list[str]) -> None:
    """Never more than the seats, and every confirmed seat accounted for by an outcome."""
    taken = _seats_taken(ticket_type_id)
    assert taken <= SEATS
    assert taken == SEATS * results.count(f"imported {SEATS}") + results.count("confirmed")


@pytest.fixture
def scene(make_event, make_ticket_type, make_user):
    event = make_event()
    ticket_type = make_ticket_type(event, name="Guest", capacity=SEATS)
    user = make_user(Role.ORGANIZER, events=[event])
    return event, ticket_type, user


@pytest.mark.postgres_only
def test_parallel_imports_and_registrations_never_oversell(app, scene):
    event, ticket_type, user = scene
    results = _run_in_parallel(app, event.id, user.id, ticket_type.id)
    _assert_exact(ticket_type.id, results)
    assert all(r in (f"imported {SEATS}", "ImportRejected", "confirmed", "waitlisted")
               for r in results), results


@pytest.mark.postgres_only
def test_parallel_imports_and_registrations_respect_the_event_capacity(app, scene):
    event, ticket_type, user = scene
    event.capacity = SEATS
    ticket_type.capacity = None
    db.session.commit()
    results = _run_in_parallel(app, event.id, user.id, ticket_type.id)
    _assert_exact(ticket_type.id, results)
    assert all(r in (f"imported {SEATS}", "ImportRejected", "confirmed", "waitlisted")
               for r in results), results


@pytest.mark.postgres_only
def test_without_the_locks_parallel_imports_oversell(app, scene):
    app.config["REGISTRATION_LOCKING"] = False
    event, ticket_type, user = scene
    _run_in_parallel(app, event.id, user.id, ticket_type.id)
    assert _seats_taken(ticket_type.id) > SEATS
