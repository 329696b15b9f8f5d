"""SQLite checks foreign keys like PostgreSQL: no row may point at a missing row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from conference.extensions import db
from conference.models import Registration


def test_a_registration_of_a_missing_ticket_type_is_refused(make_event, make_registration):
    event = make_event()
    registration = make_registration(event)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(Registration).where(Registration.id == registration.id)
                           .values(ticket_type_id=registration.ticket_type_id + 10_000))
        db.session.flush()
    db.session.rollback()


def test_deleting_a_ticket_type_that_registrations_use_is_refused(make_event, make_registration):
    registration = make_registration(make_event())
    db.session.commit()
    ticket_type = registration.ticket_type
    with pytest.raises(IntegrityError):
        db.session.execute(sa.text("DELETE FROM ticket_type WHERE id = :id"),
                           {"id": ticket_type.id})
    db.session.rollback()
    assert db.session.get(Registration, registration.id).ticket_type_id == ticket_type.id


def test_deleting_an_event_cascades_to_its_registrations(make_event, make_registration):
    registration = make_registration(make_event())
    db.session.commit()
    registration_id, event_id = registration.id, registration.event_id
    # ON DELETE CASCADE is a foreign-key action: SQLite ignores it while the check is off.
    db.session.execute(sa.text("DELETE FROM event WHERE id = :id"), {"id": event_id})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Registration, registration_id) is None
