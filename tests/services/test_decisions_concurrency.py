"""Two confirmations of one proposal at the same time make one session (PostgreSQL locks)."""

from __future__ import annotations

import threading

import pytest

from conference.extensions import db
from conference.models import DecisionKind, Proposal, Registration, Session
from conference.services.cfp import decisions
from conference.services.cfp.decisions import NotAccepted


def _confirm_twice_in_parallel(app, make_event, make_cfp, make_proposal) -> list[str]:
    event = make_event()
    make_cfp(event)
    proposal = make_proposal(event)
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event, [proposal])
    db.session.commit()
    proposal_id = proposal.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm():
        with app.app_context():
            row = db.session.get(Proposal, proposal_id)
            barrier.wait()
            try:
                decisions.confirm_participation(row)
                db.session.commit()
                outcomes.append("confirmed")
            except NotAccepted:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.expire_all()
    return sorted(outcomes)


@pytest.mark.postgres_only
def test_parallel_confirmations_make_exactly_one_session(app, make_event, make_cfp,
                                                         make_proposal):
    outcomes = _confirm_twice_in_parallel(app, make_event, make_cfp, make_proposal)
    assert outcomes == ["confirmed", "refused"]
    assert db.session.execute(db.select(db.func.count()).select_from(Session)).scalar_one() == 1
    assert db.session.execute(
        db.select(db.func.count()).select_from(Registration)).scalar_one() == 1


@pytest.mark.postgres_only
def test_without_the_row_lock_both_confirmations_make_a_session(app, make_event, make_cfp,
                                                                make_proposal):
    app.config["CFP_LOCK_ROWS"] = False
    outcomes = _confirm_twice_in_parallel(app, make_event, make_cfp, make_proposal)
    assert outcomes == ["confirmed", "confirmed"]
    assert db.session.execute(db.select(db.func.count()).select_from(Session)).scalar_one() == 2
