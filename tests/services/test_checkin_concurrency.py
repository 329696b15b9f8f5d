"""Two scanners, one badge, the same instant: exactly one welcome (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from conference.extensions import db
from conference.models import CheckIn, Checkpoint, Event, Role, User
from conference.services.checkin.core import check_in

pytestmark = pytest.mark.postgres_only


def _parallel(app, jobs):
    """Run each job (a function of no arguments) in its own thread and app context."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = job()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


def _scanner(event_id, checkpoint_id, user_id, code, nonce):
    def job():
        event = db.session.get(Event, event_id)
        verdict = check_in(event, db.session.get(Checkpoint, checkpoint_id), code,
                           user=db.session.get(User, user_id), nonce=nonce)
        db.session.commit()
        return verdict
    return job


@pytest.fixture
def scene(make_event, make_user, make_checkpoint, make_registration):
    event = make_event()
    return {
        "event_id": event.id,
        "gates": [make_checkpoint(event, "Gate 1").id, make_checkpoint(event, "Gate 2").id],
        "user_id": make_user(Role.DOOR, events=[event]).id,
        "codes": [make_registration(event).ticket_code for _ in range(5)],
    }


def test_two_parallel_scans_of_one_badge_give_one_welcome_and_one_already(app, scene):
    for round_, code in enumerate(scene["codes"]):
        jobs = [_scanner(scene["event_id"], gate, scene["user_id"], code, f"parallel-{round_}-{i}")
                for i, gate in enumerate(scene["gates"])]
        verdicts = sorted(_parallel(app, jobs), key=lambda v: v.code)
        assert [v.code for v in verdicts] == ["already_checked_in", "welcome"]
        # The loser names the winner's entry, though it was committed during its statement.
        entry = db.session.execute(db.select(CheckIn).filter_by(
            registration_id=verdicts[1].registration_id)).scalar_one()
        assert verdicts[0].checked_in_at == entry.checked_in_at.isoformat()
        assert verdicts[0].checkpoint == entry.checkpoint.name
    assert db.session.execute(db.select(db.func.count(CheckIn.id))).scalar() == 5


def test_parallel_retries_with_one_nonce_both_get_welcome_and_one_entry(app, scene):
    code = scene["codes"][0]
    gate = scene["gates"][0]
    jobs = [_scanner(scene["event_id"], gate, scene["user_id"], code, "same-nonce-parallel")
            for _ in range(2)]
    verdicts = _parallel(app, jobs)
    assert [v.code for v in verdicts] == ["welcome", "welcome"]
    assert sorted(v.replayed for v in verdicts) == [False, True]
    assert db.session.execute(db.select(db.func.count(CheckIn.id))).scalar() == 1


def test_parallel_retries_under_unlimited_leave_one_entry(app, scene):
    from conference.models import CheckinRule

    event = db.session.get(Event, scene["event_id"])
    event.checkin_rule = CheckinRule.UNLIMITED
    db.session.commit()
    gate = scene["gates"][0]
    jobs = [_scanner(scene["event_id"], gate, scene["user_id"], scene["codes"][0],
                     "unlimited-same-nonce") for _ in range(2)]
    verdicts = _parallel(app, jobs)
    assert sorted(v.replayed for v in verdicts) == [False, True]
    assert db.session.execute(db.select(db.func.count(CheckIn.id))).scalar() == 1
