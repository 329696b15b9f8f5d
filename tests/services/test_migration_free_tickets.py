"""The office migration: events get a language, and registrations on free tickets that were
left "unpaid" (speakers above all) become waived."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_migrate import upgrade

from conference import create_app
from conference.extensions import db
from tests.conftest import _test_config

BEFORE = "3022ea9669d4"
OFFICE = "7d1e5a0c4b21"


def _insert_event_with_two_tickets(connection) -> None:
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    tables = sa.MetaData()
    tables.reflect(connection, only=["event", "ticket_type", "registration"])
    event, ticket_type, registration = (tables.tables[n] for n in
                                        ("event", "ticket_type", "registration"))
    connection.execute(event.insert().values(
        id=1, slug="e", name="E", starts_on=dt.date(2026, 5, 12), ends_on=dt.date(2026, 5, 13),
        timezone="Europe/Warsaw", venue_name="", venue_address="", description="",
        contact_email="", status="published", created_at=now, waitlist_mode="automatic",
        waitlist_offer_hours=48, privacy_policy_version="1", privacy_policy_url="",
        requires_payment=True, badge_layout="a6", badge_double_sided=False,
        checkin_rule="once"))
    for ticket_id, price in ((1, 0), (2, 250)):
        connection.execute(ticket_type.insert().values(
            id=ticket_id, event_id=1, name=f"T{ticket_id}", description="", price=price,
            currency="PLN", is_public=True, requires_approval=False, badge_role="attendee",
            counts_toward_event_capacity=True, position=0))
    people = [(1, 1, "unpaid"), (2, 1, "paid"), (3, 2, "unpaid")]
    for person_id, ticket_id, payment in people:
        connection.execute(registration.insert().values(
            id=person_id, event_id=1, ticket_type_id=ticket_id, state="confirmed",
            first_name="A", last_name=str(person_id), email=f"{person_id}@example.org",
            organization="", job_title="", country="", phone="", locale="en",
            token=f"token-{person_id}", ticket_code=f"CODE{person_id}", payment_status=payment,
            created_at=now, state_changed_at=now, privacy_policy_version="1",
            consent_public_list=False, consent_news=False))


def test_free_ticket_registrations_left_unpaid_become_waived_and_events_polish(
        empty_database_url):
    app = create_app(_test_config(empty_database_url))
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _insert_event_with_two_tickets(connection)
        upgrade(revision=OFFICE)
        with db.engine.connect() as connection:
            payments = dict(connection.execute(sa.text(
                "SELECT id, payment_status FROM registration ORDER BY id")).all())
            language = connection.execute(sa.text("SELECT language FROM event")).scalar_one()
        db.engine.dispose()
    # Free and unpaid -> waived; a recorded payment and a priced ticket stay as they were.
    assert payments == {1: "waived", 2: "paid", 3: "unpaid"}
    assert language == "pl"
