"""The door's migration fills the folded search key of registrations already saved."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from conference import create_app
from conference.extensions import db
from tests.conftest import _test_config

BEFORE, AFTER = "3022ea9669d4", "5d1c0a7e9b42"


def _insert_registration(connection, first: str, last: str, organization: str, email: str,
                         n: int) -> None:
    connection.execute(sa.text(
        "INSERT INTO registration (id, event_id, ticket_type_id, state, first_name, last_name,"
        " email, organization, job_title, country, phone, locale, token, ticket_code,"
        " payment_status, created_at, state_changed_at, privacy_policy_version,"
        " consent_public_list, consent_news) VALUES (:n, 1, 1, 'confirmed', :first, :last,"
        " :email, :org, '', 'PL', '', 'pl', :token, :code, 'unpaid', :at, :at, '', false,"
        " false)"), {"n": n, "first": first, "last": last, "email": email, "org": organization,
                     "token": f"token-{n}", "code": f"CODE{n}", "at": "2026-05-01 10:00:00"})


def test_migration_fills_the_search_key_of_existing_registrations(empty_database_url):
    app = create_app(_test_config(empty_database_url))
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO event (id, slug, name, starts_on, ends_on, timezone, venue_name,"
                " venue_address, description, contact_email, status, created_at,"
                " waitlist_mode, waitlist_offer_hours, privacy_policy_version,"
                " privacy_policy_url, requires_payment, badge_layout, badge_double_sided,"
                " checkin_rule) VALUES (1, 'old', 'Old', '2026-05-12', '2026-05-13',"
                " 'Europe/Warsaw', '', '', '', 'x@example.org', 'published',"
                " '2026-05-01 10:00:00', 'automatic', 24, '', '', false, 'a6', false,"
                " 'once')"))
            connection.execute(sa.text(
                "INSERT INTO ticket_type (id, event_id, name, description, price, currency,"
                " is_public, requires_approval, badge_role, counts_toward_event_capacity,"
                " position) VALUES (1, 1, 'Full', '', 0, 'PLN', true, false, 'attendee',"
                " true, 0)"))
            _insert_registration(connection, "Łucja", "Gęślą", "Uniwersytet Łódzki",
                                 "lucja@uni.lodz.pl", 1)
            _insert_registration(connection, "Stanisław", "Żółkiewski", "", "sz@example.org", 2)
        upgrade(revision=AFTER)
        with db.engine.connect() as connection:
            keys = connection.execute(sa.text(
                "SELECT search_key FROM registration ORDER BY id")).scalars().all()
        assert keys == ["lucja gesla uniwersytet lodzki lucja@uni.lodz.pl",
                        "stanislaw zolkiewski sz@example.org"]
        downgrade(revision=BEFORE)
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("registration")}
        assert "search_key" not in columns
        db.engine.dispose()
