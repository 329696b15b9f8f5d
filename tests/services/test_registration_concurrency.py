"""Parallel registrations on PostgreSQL: the row lock keeps capacity exact."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from conference.extensions import db
from conference.models import Event, Registration, RegistrationState, TicketType
from conference.services.registration.core import register
from tests.fixtures.registration import attendee

PARALLEL = 30  # with test_waitlist_positions_concurrency at once: under max_connections
SEATS = 10


@pytest.fixture
def app_config(app_config):
    # Room for every thread's connection, and a pause between counting and writing that
    # makes the race without the lock reproducible (the locked run must still be exact).
    app_config.update(
        REGISTRATION_RACE_DELAY=0.02,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": PARALLEL, "max_overflow": 0},
    )
    return app_config


def _register_in_parallel(app, event_id: int, ticket_type_id: int) -> list[str]:
    def one(n: int) -> str:
        with app.app_context():
            event = db.session.get(Event, event_id)
            ticket_type = db.session.get(TicketType, ticket_type_id)
            try:
                return register(event, ticket_type, attendee(email=f"p{n}@example.org"),
                                privacy_consent=True).state.value
            except Exception as error:  # noqa: BLE001 - every failure is counted
                return f"error: {error!r}"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(one, range(PARALLEL)))


def _states(ticket_type_id: int) -> dict[str, int]:
    db.session.expire_all()
    rows = db.session.execute(
        db.select(Registration.state, db.func.count())
        .where(Registration.ticket_type_id == ticket_type_id).group_by(Registration.state))
    return {state.value: count for state, count in rows}


@pytest.mark.postgres_only
def test_thirty_parallel_registrations_for_ten_seats_confirm_exactly_ten(
        app, make_event, make_ticket_type):
    event = make_event()
    ticket_type = make_ticket_type(event, capacity=SEATS)
    results = _register_in_parallel(app, event.id, ticket_type.id)
    assert [r for r in results if r.startswith("error")] == []
    assert _states(ticket_type.id) == {"confirmed": SEATS, "waitlisted": PARALLEL - SEATS}


@pytest.mark.postgres_only
def test_event_wide_capacity_holds_under_parallel_registrations(
        app, make_event, make_ticket_type):
    event = make_event(capacity=SEATS)
    ticket_type = make_ticket_type(event, capacity=None)
    results = _register_in_parallel(app, event.id, ticket_type.id)
    assert [r for r in results if r.startswith("error")] == []
    assert _states(ticket_type.id) == {"confirmed": SEATS, "waitlisted": PARALLEL - SEATS}


@pytest.mark.postgres_only
def test_without_the_lock_parallel_registrations_oversell(app, make_event, make_ticket_type):
    app.config["REGISTRATION_LOCKING"] = False
    event = make_event()
    ticket_type = make_ticket_type(event, capacity=SEATS)
    _register_in_parallel(app, event.id, ticket_type.id)
    assert _states(ticket_type.id).get(RegistrationState.CONFIRMED.value, 0) > SEATS


@pytest.mark.postgres_only
def test_one_email_registering_in_parallel_for_different_tickets_gets_one_registration(
        app, make_event, make_ticket_type):
    event = make_event()
    ticket_ids = [make_ticket_type(event).id for _ in range(8)]

    def one(ticket_type_id: int) -> str:
        with app.app_context():
            try:
                register(db.session.get(Event, event.id),
                         db.session.get(TicketType, ticket_type_id),
                         attendee(email="same@example.org"), privacy_consent=True)
                return "ok"
            except Exception as error:  # noqa: BLE001 - every outcome is counted
                return getattr(error, "code", repr(error))
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(ticket_ids)) as pool:
        outcomes = sorted(pool.map(one, ticket_ids))
    assert outcomes == ["already_registered"] * (len(ticket_ids) - 1) + ["ok"]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1
