"""Check-in verdicts, rules, idempotent retries and undo."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conference.extensions import db
from conference.models import (
    CheckIn,
    CheckinRule,
    PaymentStatus,
    RegistrationState,
    Role,
    ScanLog,
)
from conference.services.checkin.checkpoints import ensure_checkpoints, search_registrations
from conference.services.checkin.core import (
    BadNonce,
    CheckpointClosed,
    NonceReused,
    check_in,
    normalise_code,
    undo_check_in,
)

NOW = dt.datetime(2026, 5, 12, 7, 14, tzinfo=dt.UTC)  # 09:14 in Kraków
_nonces = iter(range(10_000_000, 99_999_999))


def nonce() -> str:
    return f"nonce-{next(_nonces)}"


@pytest.fixture
def door(make_event, make_user, make_checkpoint):
    event = make_event()
    user = make_user(Role.DOOR, events=[event])
    gate = make_checkpoint(event, "Gate 1")
    return event, gate, user


def scan(event, checkpoint, code, user, *, now=NOW, nonce_value=None, **kwargs):
    verdict = check_in(event, checkpoint, code, user=user, nonce=nonce_value or nonce(),
                       now=now, **kwargs)
    db.session.commit()
    return verdict


def test_confirmed_registration_is_welcomed_with_name_and_ticket_type(door, make_registration):
    event, gate, user = door
    registration = make_registration(event, first_name="Zofia", last_name="Wójcik")
    verdict = scan(event, gate, registration.ticket_code, user)
    assert verdict.code == "welcome"
    assert verdict.name == "Zofia Wójcik"
    assert verdict.ticket_type == registration.ticket_type.name
    assert verdict.badge_role == "attendee"
    assert db.session.execute(db.select(CheckIn)).scalar_one().registration_id == registration.id


def test_second_scan_says_already_with_time_and_checkpoint(door, make_registration,
                                                           make_checkpoint):
    event, gate, user = door
    registration = make_registration(event)
    scan(event, gate, registration.ticket_code, user)
    gate2 = make_checkpoint(event, "Gate 2")
    verdict = scan(event, gate2, registration.ticket_code, user, now=NOW + dt.timedelta(hours=1))
    assert verdict.code == "already_checked_in"
    assert verdict.checkpoint == "Gate 1"
    assert dt.datetime.fromisoformat(verdict.checked_in_at) == NOW


@pytest.mark.parametrize(("state", "expected"), [
    (RegistrationState.CANCELLED, "cancelled"),
    (RegistrationState.REJECTED, "cancelled"),
    (RegistrationState.WAITLISTED, "waitlisted"),
    (RegistrationState.PENDING, "pending"),
])
def test_registrations_not_confirmed_are_refused(door, make_registration, state, expected):
    event, gate, user = door
    registration = make_registration(event, state=state)
    assert scan(event, gate, registration.ticket_code, user).code == expected
    assert db.session.execute(db.select(CheckIn)).first() is None


def test_unpaid_is_refused_when_the_event_requires_payment(door, make_registration):
    event, gate, user = door
    event.requires_payment = True
    db.session.commit()
    registration = make_registration(event, payment_status=PaymentStatus.UNPAID)
    assert scan(event, gate, registration.ticket_code, user).code == "unpaid"


@pytest.mark.parametrize("status", [PaymentStatus.PAID, PaymentStatus.WAIVED])
def test_paid_or_waived_pass_when_the_event_requires_payment(door, make_registration, status):
    event, gate, user = door
    event.requires_payment = True
    db.session.commit()
    registration = make_registration(event, payment_status=status)
    assert scan(event, gate, registration.ticket_code, user).code == "welcome"


def test_unpaid_passes_when_the_event_does_not_require_payment(door, make_registration):
    event, gate, user = door
    registration = make_registration(event, payment_status=PaymentStatus.UNPAID)
    assert scan(event, gate, registration.ticket_code, user).code == "welcome"


def test_badge_of_another_event_is_not_for_this_event(door, make_event, make_registration):
    event, gate, user = door
    foreign = make_registration(make_event())
    verdict = scan(event, gate, foreign.ticket_code, user)
    assert verdict.code == "wrong_event"
    assert verdict.name == ""  # nothing about people of other events


def test_well_formed_code_nobody_holds_is_unknown(door):
    event, gate, user = door
    assert scan(event, gate, "ABCDEFGHJKMNPQRSTU", user).code == "unknown_code"


@pytest.mark.parametrize("raw", [
    "", "   ", "ABC", "ABCDEFGHJKMNPQRSTUV", "ABCDEFGHJKMNPQRST0", "ABCDEFGHJKMNPQRSTI",
    "' OR 1=1 --", "x" * 5000, None, 12345, ["ABCDEFGHJKMNPQRSTU"],
    "https://evil.example/ABCDEFGHJKMNPQRSTU", "ABCDEFGHJ\x00KMNPQRSTU",
])
def test_garbage_is_malformed_and_logged(door, raw):
    event, gate, user = door
    assert scan(event, gate, raw, user).code == "malformed"
    log = db.session.execute(db.select(ScanLog)).scalar_one()
    assert log.verdict == "malformed"
    assert len(log.code) <= 24


def test_codes_are_normalised_from_lower_case_and_whitespace(door, make_registration):
    event, gate, user = door
    registration = make_registration(event)
    verdict = scan(event, gate, f"  {registration.ticket_code.lower()}\r\n", user)
    assert verdict.code == "welcome"
    assert normalise_code(" abcdefghjkmnpqrstu ") == "ABCDEFGHJKMNPQRSTU"


def test_every_scan_is_logged_with_checkpoint_staff_time_and_verdict(door, make_registration):
    event, gate, user = door
    registration = make_registration(event)
    scan(event, gate, registration.ticket_code, user)
    scan(event, gate, registration.ticket_code, user, now=NOW + dt.timedelta(minutes=1))
    scan(event, gate, "nonsense", user)
    logs = db.session.execute(db.select(ScanLog).order_by(ScanLog.id)).scalars().all()
    assert [log.verdict for log in logs] == ["welcome", "already_checked_in", "malformed"]
    assert {log.checkpoint_id for log in logs} == {gate.id}
    assert {log.user_id for log in logs} == {user.id}
    assert logs[1].scanned_at == NOW + dt.timedelta(minutes=1)


def test_retry_with_the_same_nonce_replays_welcome_not_already(door, make_registration):
    event, gate, user = door
    registration = make_registration(event)
    first = scan(event, gate, registration.ticket_code, user, nonce_value="retry-nonce-1")
    again = scan(event, gate, registration.ticket_code, user, nonce_value="retry-nonce-1",
                 now=NOW + dt.timedelta(seconds=3))
    assert first.code == again.code == "welcome"
    assert again.replayed
    assert db.session.execute(db.select(db.func.count(ScanLog.id))).scalar() == 1


def test_a_nonce_reused_for_another_code_is_refused(door, make_registration):
    event, gate, user = door
    one, two = make_registration(event), make_registration(event)
    scan(event, gate, one.ticket_code, user, nonce_value="same-nonce-1")
    with pytest.raises(NonceReused):
        scan(event, gate, two.ticket_code, user, nonce_value="same-nonce-1")


@pytest.mark.parametrize("bad", ["short", "x" * 65, "has space in it", "ünïcödé-nonce"])
def test_malformed_nonce_is_refused(door, bad):
    event, gate, user = door
    with pytest.raises(BadNonce):
        check_in(event, gate, "ABCDEFGHJKMNPQRSTU", user=user, nonce=bad, now=NOW)


def test_inactive_checkpoint_refuses_scans(door, make_registration):
    event, gate, user = door
    gate.active = False
    db.session.commit()
    with pytest.raises(CheckpointClosed):
        check_in(event, gate, make_registration(event).ticket_code, user=user, nonce=nonce())


def test_once_rule_refuses_the_next_day(door, make_registration):
    event, gate, user = door
    registration = make_registration(event)
    scan(event, gate, registration.ticket_code, user)
    verdict = scan(event, gate, registration.ticket_code, user, now=NOW + dt.timedelta(days=1))
    assert verdict.code == "already_checked_in"


def test_daily_rule_admits_once_per_event_local_day(door, make_registration):
    event, gate, user = door
    event.checkin_rule = CheckinRule.DAILY
    db.session.commit()
    code = make_registration(event).ticket_code
    assert scan(event, gate, code, user).code == "welcome"
    # 23:30 local (21:30 UTC) is still the same day in Kraków.
    late = dt.datetime(2026, 5, 12, 21, 30, tzinfo=dt.UTC)
    assert scan(event, gate, code, user, now=late).code == "already_checked_in"
    # 00:30 local on the next day (22:30 UTC) is a new day.
    next_day = dt.datetime(2026, 5, 12, 22, 30, tzinfo=dt.UTC)
    assert scan(event, gate, code, user, now=next_day).code == "welcome"


def test_unlimited_rule_admits_every_time(door, make_registration):
    event, gate, user = door
    event.checkin_rule = CheckinRule.UNLIMITED
    db.session.commit()
    code = make_registration(event).ticket_code
    verdicts = [scan(event, gate, code, user, now=NOW + dt.timedelta(minutes=i)).code
                for i in range(3)]
    assert verdicts == ["welcome"] * 3


def test_entries_at_two_entrances_count_as_one(door, make_registration, make_checkpoint):
    event, gate, user = door
    code = make_registration(event).ticket_code
    scan(event, gate, code, user)
    assert scan(event, make_checkpoint(event, "Gate 2"), code, user).code == "already_checked_in"


def test_workshop_without_a_seat_booking_says_no_seat(door, make_registration, make_workshop,
                                                     make_checkpoint):
    event, _, user = door
    room = make_checkpoint(event, "Workshop A", session=make_workshop(event))
    assert scan(event, room, make_registration(event).ticket_code, user).code == "no_seat"


def test_workshop_admits_a_seat_holder_once_apart_from_the_entrance(
        door, make_registration, make_workshop, make_checkpoint, book_seat):
    event, gate, user = door
    workshop = make_workshop(event)
    room = make_checkpoint(event, "Workshop A", session=workshop)
    registration = make_registration(event)
    book_seat(workshop, registration)
    assert scan(event, gate, registration.ticket_code, user).code == "welcome"
    assert scan(event, room, registration.ticket_code, user).code == "welcome"
    assert scan(event, room, registration.ticket_code, user).code == "already_checked_in"


def test_session_without_bookable_seats_admits_everyone(door, make_registration, make_workshop,
                                                        make_checkpoint):
    event, _, user = door
    room = make_checkpoint(event, "Talk room", session=make_workshop(event, seat_capacity=None))
    assert scan(event, room, make_registration(event).ticket_code, user).code == "welcome"


def test_undo_lets_the_badge_enter_again_and_is_logged(door, make_registration, make_user):
    event, gate, user = door
    organizer = make_user(Role.ORGANIZER, events=[event])
    code = make_registration(event).ticket_code
    scan(event, gate, code, user)
    entry = db.session.execute(db.select(CheckIn)).scalar_one()
    undo_check_in(entry, user=organizer, now=NOW)
    db.session.commit()
    assert db.session.execute(db.select(CheckIn)).first() is None
    undo_log = db.session.execute(db.select(ScanLog).filter_by(verdict="undone")).scalar_one()
    assert undo_log.user_id == organizer.id
    assert scan(event, gate, code, user).code == "welcome"


def test_ensure_checkpoints_adds_an_entrance_and_one_per_bookable_workshop(
        make_event, make_workshop):
    event = make_event()
    workshop = make_workshop(event)
    make_workshop(event, seat_capacity=None)
    checkpoints = ensure_checkpoints(event)
    assert [c.session_id for c in checkpoints] == [None, workshop.id]
    assert len(ensure_checkpoints(event)) == 2  # idempotent


def test_name_search_finds_by_parts_of_the_name_within_the_event(make_event, make_registration):
    event = make_event()
    wanted = make_registration(event, first_name="Małgorzata", last_name="Szymańska")
    make_registration(event, first_name="Jonas", last_name="Müller")
    make_registration(make_event(), first_name="Małgorzata", last_name="Szymańska")
    assert [hit.registration for hit in search_registrations(event, "szymań małg")] == [wanted]
    assert search_registrations(event, "%") == []


def test_demo_step_adds_checkpoints_and_checks_in_some_confirmed_people(
        make_event, make_registration, make_workshop):
    import random

    from conference.demo import _demo_checkin

    event = make_event()
    make_workshop(event)
    for _ in range(5):
        make_registration(event)
    make_registration(event, state=RegistrationState.CANCELLED)
    summary = _demo_checkin(event, random.Random(1))
    db.session.commit()
    assert summary == "3 checkpoints, 5 demo check-ins"
    assert db.session.execute(db.select(db.func.count(CheckIn.id))).scalar() == 5


def test_retry_under_the_unlimited_rule_does_not_add_a_second_entry(door, make_registration):
    event, gate, user = door
    event.checkin_rule = CheckinRule.UNLIMITED
    db.session.commit()
    code = make_registration(event).ticket_code
    scan(event, gate, code, user, nonce_value="unlimited-retry-1")
    again = scan(event, gate, code, user, nonce_value="unlimited-retry-1")
    assert again.replayed and again.code == "welcome"
    assert db.session.execute(db.select(db.func.count(CheckIn.id))).scalar() == 1


def test_a_retried_already_scan_replays_the_earlier_time_and_checkpoint(door,
                                                                        make_registration):
    event, gate, user = door
    code = make_registration(event).ticket_code
    scan(event, gate, code, user)
    first = scan(event, gate, code, user, now=NOW + dt.timedelta(minutes=5),
                 nonce_value="already-retry-1")
    again = scan(event, gate, code, user, now=NOW + dt.timedelta(minutes=6),
                 nonce_value="already-retry-1")
    assert first.code == again.code == "already_checked_in"
    assert again.replayed and not first.replayed
    assert dt.datetime.fromisoformat(again.checked_in_at) == NOW
    assert again.checkpoint == first.checkpoint == "Gate 1"
    assert again.name == first.name and again.ticket_type == first.ticket_type


def test_the_log_of_a_foreign_badge_names_nobody(door, make_event, make_registration):
    event, gate, user = door
    scan(event, gate, make_registration(make_event()).ticket_code, user)
    log = db.session.execute(db.select(ScanLog)).scalar_one()
    assert log.verdict == "wrong_event" and log.registration_id is None
    assert json.loads(log.details)["name"] == ""


def test_the_scan_statement_fits_the_drivers_statement_cache(app):
    """psycopg converts a statement's parameters once and caches the result only for
    statements shorter than its limit; a longer scan statement is converted on every
    scan (about a third of a millisecond)."""
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS
    from sqlalchemy.dialects import postgresql

    from conference.services.checkin.sql import postgresql_scan

    sql = str(postgresql_scan().compile(dialect=postgresql.dialect()))
    assert len(sql.encode()) < MAX_CACHED_STATEMENT_LENGTH
    assert sql.count("%(") <= MAX_CACHED_STATEMENT_PARAMS
    assert "POSTCOMPILE" not in sql  # the same text on every execution
