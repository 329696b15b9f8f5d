"""Two organizers running the scheduler at once (PostgreSQL, real threads): the row lock
on the settings makes the second wait, see the first one's version and be refused."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest

from conference.extensions import db
from conference.models import Event, MeetingRequest
from conference.services.partnering import placement, scheduler, windows
from conference.services.partnering.errors import StaleSchedule

pytestmark = pytest.mark.postgres_only


def _parallel(app, jobs):
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = job()
            except Exception as error:  # noqa: BLE001 - inspected by the test
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.fixture
def scene(app, make_event, make_partnering_settings, make_partnering_window,
          make_partnering_profile, make_meeting_request, monkeypatch):
    event = make_event()
    make_partnering_settings(event, table_count=3)
    make_partnering_window(event, slots=4)
    people = [make_partnering_profile(event) for _ in range(6)]
    for i, a in enumerate(people):
        for b in people[i + 1:i + 3]:
            make_meeting_request(a, b)
    real_solve = scheduler.solve

    def slow_solve(problem):
        # Widen the window between reading the data and writing the answer.
        time.sleep(0.5)
        return real_solve(problem)

    monkeypatch.setattr(scheduler, "solve", slow_solve)
    return event.id


def _run(event_id, version):
    def job():
        placement.run_schedule(db.session.get(Event, event_id), expected_version=version)
        db.session.commit()
        return "ran"
    return job


def test_two_runs_on_the_same_version_give_one_run_and_one_refusal(app, scene):
    results = _parallel(app, [_run(scene, 0), _run(scene, 0)])
    assert sorted(map(type, results), key=str) == sorted([str, StaleSchedule], key=str)
    db.session.expire_all()
    event = db.session.get(Event, scene)
    assert windows.settings_of(event).schedule_version == 1


def test_two_runs_without_a_version_run_one_after_the_other_without_double_booking(
        app, scene):
    results = _parallel(app, [_run(scene, None), _run(scene, None)])
    assert results == ["ran", "ran"]
    db.session.expire_all()
    event = db.session.get(Event, scene)
    assert windows.settings_of(event).schedule_version == 2
    placed = db.session.execute(db.select(MeetingRequest.slot_id, MeetingRequest.table_number)
                                .where(MeetingRequest.slot_id.is_not(None))).all()
    assert len(placed) == len(set(placed)) > 0


def test_without_the_row_lock_both_runs_pass_the_version_check(app, scene, monkeypatch):
    """The race the lock closes: unlocked, both read version 0 and both write."""
    real = windows.settings_of
    monkeypatch.setattr(placement, "settings_of",
                        lambda event, for_update=False: real(event, for_update=False))
    # Both have read the version before either writes, whatever the machine's load.
    both_read = threading.Barrier(2)
    real_solve = scheduler.solve

    def solve_when_both_read(problem):
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait(timeout=20)
        return real_solve(problem)

    monkeypatch.setattr(scheduler, "solve", solve_when_both_read)
    results = _parallel(app, [_run(scene, 0), _run(scene, 0)])
    assert results == ["ran", "ran"]


@pytest.fixture
def pairs(app, make_event, make_partnering_settings, make_partnering_window,
          make_partnering_profile, make_meeting_request):
    """Two meetings between four different people, one slot with one table, published."""
    import datetime as dt

    event = make_event()
    settings = make_partnering_settings(event, table_count=1)
    window = make_partnering_window(event, slots=1)
    meetings = [make_meeting_request(make_partnering_profile(event),
                                     make_partnering_profile(event)) for _ in range(2)]
    settings.published_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    db.session.commit()
    return event.id, window.slots[0].id, [m.id for m in meetings]


def test_two_organizers_moving_to_the_same_table_give_one_move_and_one_refusal(app, pairs):
    from conference.models import PartneringSlot
    from conference.services.partnering.errors import NotPlaceable

    event_id, slot_id, meeting_ids = pairs

    def mover(meeting_id):
        def job():
            placement.move_meeting(db.session.get(MeetingRequest, meeting_id),
                                   db.session.get(PartneringSlot, slot_id), 1,
                                   expected_version=None)
            db.session.commit()
            return "moved"
        return job

    results = _parallel(app, [mover(meeting_ids[0]), mover(meeting_ids[1])])
    assert sorted(map(str, map(type, results))) == sorted(map(str, [str, NotPlaceable]))


def test_two_meetings_accepted_at_once_after_publishing_never_share_a_table(app, pairs):
    import datetime as dt

    event_id, slot_id, meeting_ids = pairs

    def placer(meeting_id):
        def job():
            slot = placement.place_new_meeting(db.session.get(MeetingRequest, meeting_id),
                                               now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
            db.session.commit()
            return slot.id if slot else None
        return job

    results = _parallel(app, [placer(meeting_ids[0]), placer(meeting_ids[1])])
    assert sorted(results, key=str) == sorted([slot_id, None], key=str)
