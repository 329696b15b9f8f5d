"""Two first ratings of one meeting by the same person at the same instant (PostgreSQL):
one row, no error."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from conference.extensions import db
from conference.models import MeetingOutcome, MeetingRating, MeetingRequest, PartneringProfile
from conference.services.partnering.meetings import rate_meeting

pytestmark = pytest.mark.postgres_only

START = dt.datetime(2026, 5, 12, 12, tzinfo=dt.UTC)


def test_two_parallel_first_ratings_leave_one_row_and_no_error(
        app, make_event, make_partnering_settings, make_partnering_window,
        make_partnering_profile, make_meeting_request):
    event = make_event()
    make_partnering_settings(event, published_at=START)
    window = make_partnering_window(event, start=START, slots=1)
    anna, bea = make_partnering_profile(event), make_partnering_profile(event)
    meeting = make_meeting_request(anna, bea, slot_id=window.slots[0].id, table_number=1,
                                   outcome=MeetingOutcome.HELD)
    ids = (meeting.id, anna.id)
    db.session.remove()
    rounds = 5
    for _round in range(rounds):
        barrier = threading.Barrier(2)
        errors: list[Exception] = []

        def rate(value: int, barrier=barrier, errors=errors):
            with app.app_context():
                try:
                    barrier.wait()
                    rate_meeting(db.session.get(MeetingRequest, ids[0]),
                                 db.session.get(PartneringProfile, ids[1]),
                                 rating=value, follow_up=False,
                                 now=START + dt.timedelta(hours=1))
                    db.session.commit()
                except Exception as error:  # noqa: BLE001 - asserted below
                    errors.append(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=rate, args=(v,)) for v in (2, 5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors, errors
        ratings = db.session.execute(db.select(MeetingRating)).scalars().all()
        assert len(ratings) == 1 and ratings[0].rating in (2, 5)
        db.session.execute(db.delete(MeetingRating))
        db.session.commit()
