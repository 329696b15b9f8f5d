"""The offline bundle and the reconciliation of uploaded offline scans."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from conference.extensions import db
from conference.models import CheckIn, CheckInConflict, RegistrationState, Role, ScanLog
from conference.services.checkin.core import check_in
from conference.services.checkin.offline import (
    OfflineScan,
    offline_bundle,
    offline_hash,
    sync_offline_scans,
)

T0 = dt.datetime(2026, 5, 12, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def door(make_event, make_user, make_checkpoint):
    event = make_event()
    return event, make_checkpoint(event, "Gate 1"), make_user(Role.DOOR, events=[event])


def offline(code, minutes, nonce, local="welcome"):
    return OfflineScan(nonce=nonce, code=code, scanned_at=T0 + dt.timedelta(minutes=minutes),
                       local_verdict=local)


def test_bundle_carries_salted_hashes_not_codes(door, make_registration):
    event, gate, _ = door
    registration = make_registration(event)
    bundle = offline_bundle(event, gate, now=T0)
    assert registration.ticket_code not in str(bundle)
    entry = bundle["registrations"][0]
    salt = bundle["hash"]["salt"]
    assert entry["h"] == hashlib.sha256((salt + registration.ticket_code).encode()
                                        ).hexdigest()[:16]
    assert entry["h"] == offline_hash(salt, registration.ticket_code)
    assert entry["name"] == registration.full_name
    assert entry["verdict"] == "welcome"


def test_each_bundle_has_its_own_salt(door, make_registration):
    event, gate, _ = door
    make_registration(event)
    first, second = offline_bundle(event, gate), offline_bundle(event, gate)
    assert first["hash"]["salt"] != second["hash"]["salt"]
    assert first["registrations"][0]["h"] != second["registrations"][0]["h"]


def test_bundle_holds_only_this_events_registrations_with_their_verdicts(
        door, make_registration, make_event):
    event, gate, _ = door
    make_registration(event, state=RegistrationState.CANCELLED)
    make_registration(make_event())
    bundle = offline_bundle(event, gate, now=T0)
    assert [e["verdict"] for e in bundle["registrations"]] == ["cancelled"]


def test_bundle_marks_people_already_in_and_seat_holders(
        door, make_registration, make_workshop, make_checkpoint, book_seat):
    event, gate, user = door
    inside, booked = make_registration(event), make_registration(event)
    check_in(event, gate, inside.ticket_code, user=user, nonce="n-inside-1", now=T0)
    workshop = make_workshop(event)
    book_seat(workshop, booked)
    room = make_checkpoint(event, "Workshop", session=workshop)
    db.session.commit()
    at_gate = {e["id"]: e for e in offline_bundle(event, gate, now=T0)["registrations"]}
    assert at_gate[inside.id]["checkpoint"] == "Gate 1"
    assert at_gate[booked.id]["checked_in_at"] is None
    in_room = {e["id"]: e for e in offline_bundle(event, room, now=T0)["registrations"]}
    assert in_room[booked.id]["verdict"] == "welcome" and in_room[booked.id]["seat"]
    assert in_room[inside.id]["verdict"] == "no_seat"


def test_sync_admits_offline_scans_and_records_them_as_offline(door, make_registration):
    event, gate, user = door
    code = make_registration(event).ticket_code
    result = sync_offline_scans(event, gate, [offline(code, 5, "off-nonce-1")], user=user,
                                now=T0 + dt.timedelta(hours=1))
    db.session.commit()
    assert [v.code for _, v in result.verdicts] == ["welcome"]
    entry = db.session.execute(db.select(CheckIn)).scalar_one()
    assert entry.offline and entry.checked_in_at == T0 + dt.timedelta(minutes=5)
    assert result.conflicts == []


def test_sync_twice_does_not_count_twice(door, make_registration):
    event, gate, user = door
    scans = [offline(make_registration(event).ticket_code, 5, "off-nonce-2")]
    sync_offline_scans(event, gate, scans, user=user)
    again = sync_offline_scans(event, gate, scans, user=user)
    db.session.commit()
    assert again.verdicts[0][1].replayed
    assert db.session.execute(db.select(db.func.count(ScanLog.id))).scalar() == 1
    assert db.session.execute(db.select(CheckIn)).scalar_one()


def test_a_nonce_reused_for_another_badge_is_rejected_alone(door, make_registration):
    event, gate, user = door
    first, second = make_registration(event), make_registration(event)
    sync_offline_scans(event, gate, [offline(first.ticket_code, 5, "off-reused")], user=user)
    result = sync_offline_scans(event, gate, [
        offline(second.ticket_code, 6, "off-reused"),
        offline(second.ticket_code, 7, "off-fresh"),
    ], user=user)
    db.session.commit()
    assert result.rejected == [("off-reused", "nonce_reused")]
    assert [(nonce, v.code) for nonce, v in result.verdicts] == [("off-fresh", "welcome")]
    assert db.session.execute(db.select(db.func.count(CheckIn.id))).scalar() == 2


def test_first_scan_wins_when_the_offline_scan_was_earlier_than_the_online_entry(
        door, make_registration, make_checkpoint):
    event, gate, user = door
    code = make_registration(event).ticket_code
    gate2 = make_checkpoint(event, "Gate 2")
    check_in(event, gate2, code, user=user, nonce="online-1", now=T0 + dt.timedelta(minutes=10))
    db.session.commit()
    result = sync_offline_scans(event, gate, [offline(code, 5, "offline-1")], user=user,
                                now=T0 + dt.timedelta(minutes=30))
    db.session.commit()
    entry = db.session.execute(db.select(CheckIn)).scalar_one()
    assert entry.checkpoint_id == gate.id
    assert entry.checked_in_at == T0 + dt.timedelta(minutes=5)
    conflict = db.session.execute(db.select(CheckInConflict)).scalar_one()
    assert conflict.scan.nonce == "online-1"  # the later scan lost
    assert conflict.winner_checkin_id == entry.id
    assert result.verdicts[0][1].code == "welcome"


def test_later_offline_scan_loses_and_is_reported(door, make_registration, make_checkpoint):
    event, gate, user = door
    code = make_registration(event).ticket_code
    check_in(event, make_checkpoint(event, "Gate 2"), code, user=user, nonce="online-2",
             now=T0)
    db.session.commit()
    result = sync_offline_scans(event, gate, [offline(code, 5, "offline-2")], user=user,
                                now=T0 + dt.timedelta(minutes=30))
    db.session.commit()
    assert result.verdicts[0][1].code == "already_checked_in"
    conflict = db.session.execute(db.select(CheckInConflict)).scalar_one()
    assert (conflict.local_verdict, conflict.server_verdict) == ("welcome", "already_checked_in")
    assert conflict.scan.nonce == "offline-2"


def test_two_offline_scans_of_one_badge_are_ordered_by_scan_time(door, make_registration):
    event, gate, user = door
    code = make_registration(event).ticket_code
    scans = [offline(code, 9, "late-scan-1"), offline(code, 2, "early-scan-1")]
    result = sync_offline_scans(event, gate, scans, user=user, now=T0 + dt.timedelta(hours=1))
    db.session.commit()
    assert dict((n, v.code) for n, v in result.verdicts) == {
        "early-scan-1": "welcome", "late-scan-1": "already_checked_in"}
    assert db.session.execute(db.select(CheckIn)).scalar_one().checked_in_at == \
        T0 + dt.timedelta(minutes=2)
    assert len(result.conflicts) == 1


def test_offline_welcome_for_a_since_cancelled_registration_is_a_conflict(
        door, make_registration):
    event, gate, user = door
    code = make_registration(event, state=RegistrationState.CANCELLED).ticket_code
    result = sync_offline_scans(event, gate, [offline(code, 1, "cancel-scan-1")], user=user)
    db.session.commit()
    assert [c.server_verdict for c in result.conflicts] == ["cancelled"]


def test_offline_scan_times_in_the_future_are_clamped_to_now(door, make_registration):
    event, gate, user = door
    now = T0 + dt.timedelta(hours=1)
    code = make_registration(event).ticket_code
    sync_offline_scans(event, gate, [offline(code, 60 * 24 * 30, "future-scan-1")], user=user,
                       now=now)
    db.session.commit()
    assert db.session.execute(db.select(CheckIn)).scalar_one().checked_in_at <= \
        now + dt.timedelta(minutes=5)


def test_scans_queued_without_a_list_are_accepted_without_a_conflict(door, make_registration):
    event, gate, user = door
    code = make_registration(event).ticket_code
    result = sync_offline_scans(event, gate, [offline(code, 1, "no-list-scan-1", local="")],
                                user=user)
    assert [v.code for _, v in result.verdicts] == ["welcome"]
    assert result.conflicts == []
