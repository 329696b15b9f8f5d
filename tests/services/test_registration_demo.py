"""The demo's registrations follow the registration rules."""

from __future__ import annotations

from conference.demo import load_demo
from conference.extensions import db
from conference.models import Registration, RegistrationState, TicketType
from conference.services.registration.seats import remaining_seats


def test_demo_registrations_respect_capacity_and_the_waiting_list(app):
    load_demo()
    ticket_types = db.session.execute(db.select(TicketType)).scalars().all()
    registrations = db.session.execute(db.select(Registration)).scalars().all()
    assert len(registrations) >= 300
    assert {r.state for r in registrations} >= set(RegistrationState)
    for ticket_type in ticket_types:
        holding = [r for r in registrations if r.ticket_type_id == ticket_type.id and r.holds_seat]
        assert ticket_type.capacity is None or len(holding) <= ticket_type.capacity
        seats = remaining_seats(ticket_type)
        waiting = [r for r in registrations if r.ticket_type_id == ticket_type.id
                   and r.state is RegistrationState.WAITLISTED]
        if waiting:
            assert seats == 0, ticket_type.name
    assert len({r.email for r in registrations}) == len(registrations)
