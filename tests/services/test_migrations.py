"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from conference import create_app
from conference.extensions import db
from tests.conftest import _test_config


def test_migrations_build_the_schema_of_the_models(empty_database_url):
    app = create_app(_test_config(empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == [], f"models and migrations disagree; run `flask db migrate`: " \
                              f"{differences}"


def test_migrations_downgrade_to_empty_and_upgrade_again(empty_database_url):
    app = create_app(_test_config(empty_database_url))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert "event" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_sqlite_upgrade_from_empty_leaves_foreign_keys_checked_and_intact(tmp_path):
    app = create_app(_test_config(f"sqlite:///{tmp_path / 'fresh.sqlite'}"))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            # env.py turns the check off for the migration and on again for the pool.
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()


def test_sqlite_table_rebuilds_keep_the_rows_that_point_at_the_table(tmp_path):
    """Batch migrations rebuild a SQLite table by dropping it: with foreign keys on, that
    would cascade to (or be refused by) the rows pointing at it, here a session's speakers."""
    app = create_app(_test_config(f"sqlite:///{tmp_path / 'rebuild.sqlite'}"))
    with app.app_context():
        upgrade(revision="b9595904c9ae")  # adds session.sequence
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO event (id, slug, name, starts_on, ends_on, timezone, venue_name,"
                " venue_address, description, contact_email, status, created_at, waitlist_mode,"
                " waitlist_offer_hours, privacy_policy_version, privacy_policy_url,"
                " requires_payment, badge_layout, badge_double_sided, checkin_rule) VALUES"
                " (1, 'e', 'E', '2026-05-12', '2026-05-13', 'Europe/Warsaw', '', '', '', '',"
                " 'published', '2026-01-01 00:00:00', 'automatic', 48, '1', '', 0, 'a6', 0,"
                " 'once')")
            conn.exec_driver_sql(
                "INSERT INTO speaker (id, event_id, name, email, affiliation, biography, links,"
                " token, is_public) VALUES (1, 1, 'S', 's@example.org', '', '', '', 't', 1)")
            conn.exec_driver_sql(
                "INSERT INTO session (id, event_id, title, abstract, session_type, language,"
                " is_public, status, created_at, updated_at) VALUES (1, 1, 'T', '', 'talk',"
                " 'en', 1, 'scheduled', '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
            conn.exec_driver_sql("INSERT INTO session_speaker VALUES (1, 1)")
        downgrade(revision="6900b7c272b2")  # drops session.sequence: rebuilds session
        upgrade()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT * FROM session_speaker").fetchall() == [(1, 1)]
        db.engine.dispose()
