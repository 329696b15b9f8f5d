"""The demo programme step builds a conflict-free two-day programme."""

from __future__ import annotations

import datetime as dt
import random

from conference.demo import _demo_programme
from conference.extensions import db
from conference.models import SeatBooking, Session, SessionType, StarredSession
from conference.services.programme.conflicts import find_conflicts
from conference.services.programme.workshops import remaining_seats


def test_the_demo_programme_has_two_days_workshops_and_no_conflicts(make_event,
                                                                      make_registration):
    today = dt.date.today()
    event = make_event(starts_on=today + dt.timedelta(days=30),
                       ends_on=today + dt.timedelta(days=31))
    for _ in range(12):
        make_registration(event)
    summary = _demo_programme(event, random.Random(1))
    db.session.commit()
    sessions = db.session.execute(db.select(Session)).scalars().all()
    assert len(sessions) >= 20
    assert {s.starts_at.astimezone(event.tz).date() for s in sessions} == set(event.days)
    workshops = [s for s in sessions if s.session_type is SessionType.WORKSHOP]
    assert len(workshops) >= 3 and all(s.seat_capacity for s in workshops)
    assert find_conflicts(event) == []
    assert db.session.execute(db.select(db.func.count()).select_from(StarredSession)).scalar_one()
    assert db.session.execute(db.select(db.func.count()).select_from(SeatBooking)).scalar_one()
    assert all(remaining_seats(s) >= 0 for s in workshops)
    assert "31 sessions" in summary
