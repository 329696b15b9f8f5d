"""Parallel sign-ups on PostgreSQL: the waiting-list positions people are told are true.

The order of the waiting list is the order in which sign-ups committed under the seat lock,
so the positions in the "you are on the waiting list" emails are exactly 1..N, and seats
that free up later go to the waiting people in the order they were told.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from conference.extensions import db
from conference.models import Event, OutboxMessage, Registration, RegistrationState, TicketType
from conference.services.registration.core import cancel, register
from conference.services.registration.waitlist import promote_waitlist
from tests.fixtures.registration import attendee

PARALLEL = 30  # with test_registration_concurrency at once: under max_connections (100)
SEATS = 10
POSITION = re.compile(r"at position (\d+)")


@pytest.fixture
def app_config(app_config):
    # A pause between counting and writing (inside the locked transaction) spreads the
    # commits, so requests that started early commit late: without a commit-ordered
    # waiting list they are told positions that others were told too.
    app_config.update(
        REGISTRATION_RACE_DELAY=0.02,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": PARALLEL, "max_overflow": 0},
    )
    return app_config


def _sign_up_in_parallel(app, event_id: int, ticket_type_id: int) -> list[str]:
    def one(n: int) -> str:
        with app.app_context():
            try:
                return register(db.session.get(Event, event_id),
                                db.session.get(TicketType, ticket_type_id),
                                attendee(email=f"q{n}@example.org"),
                                privacy_consent=True).state.value
            except Exception as error:  # noqa: BLE001 - every failure is counted
                return f"error: {error!r}"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(one, range(PARALLEL)))


def _told_positions() -> dict[str, int]:
    """The position each waiting person was told in their email, by address."""
    told = {}
    for message in db.session.execute(
            db.select(OutboxMessage).where(OutboxMessage.kind == "registration.waitlisted")
    ).scalars():
        assert message.recipient not in told
        told[message.recipient] = int(POSITION.search(message.body_text).group(1))
    return told


def _free_every_seat_in_turn(ticket_type_id: int) -> list[str]:
    """Cancel the confirmed registrations one by one, then raise the capacity for the rest;
    returns the addresses promoted from the waiting list, in the order they were promoted."""
    promoted = []
    confirmed = db.session.execute(
        db.select(Registration).where(Registration.ticket_type_id == ticket_type_id,
                                      Registration.state == RegistrationState.CONFIRMED)
        .order_by(Registration.id)).scalars().all()
    for registration in confirmed:
        promoted += [r.email for r in cancel(registration)]
    ticket_type = db.session.get(TicketType, ticket_type_id)
    if ticket_type.capacity is not None:
        ticket_type.capacity = PARALLEL
    if ticket_type.event.capacity is not None:
        ticket_type.event.capacity = PARALLEL
    db.session.commit()
    promoted += [r.email for r in promote_waitlist(ticket_type)]
    return promoted


@pytest.mark.postgres_only
@pytest.mark.parametrize("event_capacity", [None, SEATS], ids=["ticket-capacity", "event-capacity"])
def test_parallel_sign_ups_are_told_distinct_true_positions_and_promoted_in_that_order(
        app, make_event, make_ticket_type, event_capacity):
    event = make_event(capacity=event_capacity)
    ticket_type = make_ticket_type(event, capacity=SEATS if event_capacity is None else None)
    results = _sign_up_in_parallel(app, event.id, ticket_type.id)
    assert [r for r in results if r.startswith("error")] == []
    waiting = PARALLEL - SEATS
    assert sorted(results).count("waitlisted") == waiting

    db.session.expire_all()
    told = _told_positions()
    assert sorted(told.values()) == list(range(1, waiting + 1))  # no duplicate, no gap

    promoted = _free_every_seat_in_turn(ticket_type.id)
    assert [told[email] for email in promoted] == list(range(1, waiting + 1))
