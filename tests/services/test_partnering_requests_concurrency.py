"""Meeting requests under parallel sends on PostgreSQL: the row locks on the two profiles
keep the sending limit, and one open request per pair survives a crosswise race."""

from __future__ import annotations

import contextlib
import threading

import pytest

from conference.extensions import db
from conference.models import MeetingRequest, PartneringProfile
from conference.services.partnering import requests as service
from conference.services.partnering.errors import PartneringError

pytestmark = pytest.mark.postgres_only


def _send_in_parallel(app, pairs: list[tuple[int, int]]) -> list[str]:
    barrier = threading.Barrier(len(pairs))
    outcomes: list[str] = []

    def send(requester_id: int, recipient_id: int):
        with app.app_context():
            requester = db.session.get(PartneringProfile, requester_id)
            recipient = db.session.get(PartneringProfile, recipient_id)
            _ = requester.registration, recipient.registration, requester.event
            barrier.wait()
            try:
                service.send_request(requester, recipient)
                db.session.commit()
                outcomes.append("sent")
            except PartneringError as error:
                db.session.rollback()
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    return sorted(outcomes)


def _at_the_limit(make_event, make_partnering_settings, make_partnering_profile, n=6):
    event = make_event(language="en", languages="en,pl")
    make_partnering_settings(event, max_requests_sent=3)
    sender = make_partnering_profile(event)
    others = [make_partnering_profile(event) for _ in range(n)]
    return sender, others


def _sent(sender) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(MeetingRequest)
                              .filter_by(requester_id=sender.id)).scalar_one()


def test_parallel_sends_at_the_limit_send_exactly_the_limit(app, make_event,
                                                            make_partnering_settings,
                                                            make_partnering_profile):
    sender, others = _at_the_limit(make_event, make_partnering_settings,
                                   make_partnering_profile)
    outcomes = _send_in_parallel(app, [(sender.id, other.id) for other in others])
    assert outcomes.count("sent") == 3
    assert outcomes.count("request_limit_reached") == 3
    assert _sent(sender) == 3


def test_without_the_row_lock_parallel_sends_overrun_the_limit(app, make_event,
                                                               make_partnering_settings,
                                                               make_partnering_profile,
                                                               monkeypatch):
    app.config["PARTNERING_LOCK_ROWS"] = False
    sender, others = _at_the_limit(make_event, make_partnering_settings,
                                   make_partnering_profile)
    # Each send waits after counting until every other has counted too, so unlocked they
    # all see room, whatever the machine's load.
    counted = threading.Barrier(len(others))
    real_count = service.sent_count

    def count_then_wait(profile):
        number = real_count(profile)
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=20)
        return number

    monkeypatch.setattr(service, "sent_count", count_then_wait)
    _send_in_parallel(app, [(sender.id, other.id) for other in others])
    assert _sent(sender) > 3


def test_two_crosswise_requests_at_once_leave_one_open_request(app, make_event,
                                                               make_partnering_settings,
                                                               make_partnering_profile):
    event = make_event(language="en", languages="en,pl")
    make_partnering_settings(event)
    a, b = make_partnering_profile(event), make_partnering_profile(event)
    outcomes = _send_in_parallel(app, [(a.id, b.id), (b.id, a.id)])
    assert outcomes == ["duplicate_request", "sent"]
    assert db.session.execute(db.select(db.func.count()).select_from(MeetingRequest)
                              ).scalar_one() == 1


def test_without_the_lock_the_unique_index_still_leaves_one_open_request(
        app, make_event, make_partnering_settings, make_partnering_profile):
    app.config["PARTNERING_LOCK_ROWS"] = False
    event = make_event(language="en", languages="en,pl")
    make_partnering_settings(event)
    a, b = make_partnering_profile(event), make_partnering_profile(event)
    outcomes = _send_in_parallel(app, [(a.id, b.id), (b.id, a.id)] * 2)
    assert outcomes.count("sent") == 1
    assert set(outcomes) == {"sent", "duplicate_request"}


def test_parallel_accepts_at_the_meeting_limit_make_exactly_the_limit(
        app, make_event, make_partnering_settings, make_partnering_profile,
        make_meeting_request):
    from conference.models import RequestState

    event = make_event(language="en", languages="en,pl")
    make_partnering_settings(event, max_meetings=2)
    busy = make_partnering_profile(event)
    request_ids = [make_meeting_request(make_partnering_profile(event), busy,
                                        RequestState.PENDING).id for _ in range(5)]
    barrier = threading.Barrier(len(request_ids))
    outcomes: list[str] = []

    def accept(request_id: int):
        with app.app_context():
            request = db.session.get(MeetingRequest, request_id)
            recipient = db.session.get(PartneringProfile, busy.id)
            _ = request.requester.registration, recipient.registration, recipient.event
            barrier.wait()
            try:
                service.accept_request(request, recipient)
                db.session.commit()
                outcomes.append("accepted")
            except PartneringError as error:
                db.session.rollback()
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(rid,)) for rid in request_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    assert sorted(outcomes) == ["accepted"] * 2 + ["meeting_limit_reached"] * 3
    assert service.meeting_count(db.session.get(PartneringProfile, busy.id)) == 2
