"""Who has come, in the office: the list's check-in filter and entries, the history, the export
and the dashboard's latest check-ins."""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets

import pytest
import sqlalchemy as sa

from conference.extensions import db
from conference.models import CheckIn, CheckinRule, Role
from conference.services.checkin.core import check_in, undo_check_in
from conference.services.checkin.stats import recent_check_ins
from conference.services.registration.admin import (
    RegistrationFilter,
    list_registrations,
)
from conference.services.registration.export import export_csv
from conference.services.registration.history import (
    CHECK_IN,
    CHECK_IN_UNDONE,
    registration_history,
)

#: 09:05 and 08:40 in Kraków (UTC+2 in May) on the event's two days.
DAY_ONE = dt.datetime(2026, 5, 12, 7, 5, tzinfo=dt.UTC)
DAY_TWO = dt.datetime(2026, 5, 13, 6, 40, tzinfo=dt.UTC)


@pytest.fixture
def office(make_event, make_user, make_checkpoint, make_registration):
    """A two-day event under the daily rule: Ada comes on both days, Bo on the second only,
    Cy never."""
    event = make_event(checkin_rule=CheckinRule.DAILY)
    door = make_user(Role.DOOR, events=[event])
    gate = make_checkpoint(event, "Gate 2")
    ada = make_registration(event, first_name="Ada", email="ada@example.org")
    bo = make_registration(event, first_name="Bo", email="bo@example.org")
    cy = make_registration(event, first_name="Cy", email="cy@example.org")
    enter(event, gate, ada, door, DAY_ONE)
    enter(event, gate, ada, door, DAY_TWO)
    enter(event, gate, bo, door, DAY_TWO + dt.timedelta(minutes=3))
    return event, gate, door, (ada, bo, cy)


def enter(event, gate, registration, user, at, **kwargs):
    verdict = check_in(event, gate, registration.ticket_code, user=user,
                       nonce=secrets.token_hex(8), scanned_at=at, now=at, **kwargs)
    db.session.commit()
    assert verdict.code == "welcome"
    return verdict


def _emails(flt, event):
    return sorted(r.email for r in list_registrations(event, flt).items)


def test_filter_checked_in_on_any_day_on_a_given_day_and_not_yet(office):
    event, *_ = office
    assert _emails(RegistrationFilter(checked_in="any"), event) == [
        "ada@example.org", "bo@example.org"]
    assert _emails(RegistrationFilter(checked_in=dt.date(2026, 5, 12)), event) == [
        "ada@example.org"]
    assert _emails(RegistrationFilter(checked_in=dt.date(2026, 5, 13)), event) == [
        "ada@example.org", "bo@example.org"]
    assert _emails(RegistrationFilter(checked_in="none"), event) == ["cy@example.org"]
    assert list_registrations(event, RegistrationFilter(checked_in="none")).total == 1


def test_a_day_is_the_event_local_day_not_the_utc_day(office, make_registration):
    event, gate, door, _ = office
    # 00:30 in Kraków on 13 May is still 12 May in UTC.
    late = make_registration(event, email="late@example.org")
    enter(event, gate, late, door, dt.datetime(2026, 5, 12, 22, 30, tzinfo=dt.UTC))
    assert "late@example.org" in _emails(RegistrationFilter(checked_in=dt.date(2026, 5, 13)),
                                         event)
    assert "late@example.org" not in _emails(
        RegistrationFilter(checked_in=dt.date(2026, 5, 12)), event)


def test_the_page_carries_each_registrations_entries_oldest_first(office):
    event, gate, door, (ada, bo, cy) = office
    page = list_registrations(event, RegistrationFilter())
    assert [e.checked_in_at for e in page.check_ins[ada.id]] == [DAY_ONE, DAY_TWO]
    assert page.check_ins[bo.id][0].checkpoint.name == "Gate 2"
    assert page.check_ins[bo.id][0].user.id == door.id
    assert cy.id not in page.check_ins


def test_the_list_runs_the_same_number_of_queries_for_three_or_forty_people(
        office, make_registration, make_user, make_checkpoint):
    event, gate, door, _ = office

    def queries_for_one_page() -> int:
        statements = []

        def count(*_args):
            statements.append(1)

        db.session.expire_all()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            page = list_registrations(event, RegistrationFilter(), per_page=50)
            for registration in page.items:  # what the template reads
                _ = registration.ticket_type.name
                for entry in page.check_ins.get(registration.id, []):
                    _ = (entry.checkpoint.name, entry.user and entry.user.name)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = queries_for_one_page()
    for n in range(37):  # each at another gate, scanned by another door keeper
        person = make_registration(event, email=f"many{n}@example.org")
        enter(event, make_checkpoint(event, f"Gate {n + 3}"), person,
              make_user(Role.DOOR, events=[event]), DAY_ONE + dt.timedelta(minutes=n))
    assert queries_for_one_page() == few


def test_history_shows_the_check_in_and_its_undo_after_the_registration(office, make_user):
    event, gate, door, (ada, bo, cy) = office
    organizer = make_user(Role.ORGANIZER, events=[event])
    entry = db.session.execute(db.select(CheckIn).filter_by(registration_id=bo.id)).scalar_one()
    undo_check_in(entry, user=organizer, now=DAY_TWO + dt.timedelta(hours=1))
    db.session.commit()
    lines = [line for line in registration_history(bo) if line.action in (CHECK_IN,
                                                                          CHECK_IN_UNDONE)]
    assert [(line.action, line.user.id, line.checkpoint) for line in lines] == [
        (CHECK_IN, door.id, "Gate 2"), (CHECK_IN_UNDONE, organizer.id, "Gate 2")]
    assert lines[0].at == DAY_TWO + dt.timedelta(minutes=3)
    assert lines[1].entry_at == DAY_TWO + dt.timedelta(minutes=3)
    assert registration_history(cy) == []  # never came, never changed


def test_history_merges_changes_and_check_ins_by_time(office, sign_up, make_ticket_type,
                                                      make_checkpoint):
    event, gate, door, _ = office
    registration = sign_up(event, make_ticket_type(event),
                           now=DAY_ONE - dt.timedelta(days=30))
    enter(event, gate, registration, door, DAY_ONE)
    actions = [line.action for line in registration_history(registration)]
    assert actions == ["registered", CHECK_IN]


def test_export_has_a_checked_in_column_and_honours_the_filter(office, app):
    event, *_ = office
    with app.test_request_context():
        rows = list(csv.reader(io.StringIO(
            export_csv(event, RegistrationFilter(checked_in="any", sort="email",
                                                 descending=False)).decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    column = header.index("Checked in")
    assert [row[header.index("Email")] for row in body] == ["ada@example.org",
                                                            "bo@example.org"]
    assert body[0][column] == "2026-05-12 09:05; 2026-05-13 08:40"  # Kraków time
    with app.test_request_context():
        rows = list(csv.reader(io.StringIO(
            export_csv(event, RegistrationFilter(checked_in="none")).decode("utf-8-sig"))))
    assert [row[rows[0].index("Email")] for row in rows[1:]] == ["cy@example.org"]
    assert rows[1][column] == ""


def test_latest_check_ins_are_ordered_by_the_instant_of_entry(make_event, make_user,
                                                              make_checkpoint,
                                                              make_registration):
    event = make_event(checkin_rule=CheckinRule.UNLIMITED)
    door = make_user(Role.DOOR, events=[event])
    gate = make_checkpoint(event, "Gate 1")
    people = [make_registration(event, first_name=name) for name in ("Early", "Late", "Middle")]
    # Recorded out of order (an offline phone uploads its 08:55 scan last), with times given
    # in different offsets: only the instants decide.
    warsaw = dt.timezone(dt.timedelta(hours=2))
    enter(event, gate, people[1], door, dt.datetime(2026, 5, 12, 10, 0, tzinfo=warsaw))
    enter(event, gate, people[2], door, dt.datetime(2026, 5, 12, 7, 30, tzinfo=dt.UTC))
    enter(event, gate, people[0], door, dt.datetime(2026, 5, 12, 8, 55, tzinfo=warsaw),
          offline=True)
    enter(event, gate, people[2], door, dt.datetime(2026, 5, 12, 7, 30, 0, 500000,
                                                    tzinfo=dt.UTC))
    names = [entry.registration.first_name for entry in recent_check_ins(event)]
    assert names == ["Late", "Middle", "Middle", "Early"]
    times = [entry.checked_in_at for entry in recent_check_ins(event)]
    assert times == sorted(times, reverse=True)


def test_demo_check_ins_are_dated_before_now_never_on_a_future_event_day(
        make_event, make_registration):
    import random

    from conference.demo.checkin import _demo_checkin

    now = dt.datetime(2026, 4, 20, 10, 0, tzinfo=dt.UTC)  # the event is weeks ahead
    event = make_event(starts_on=dt.date(2026, 5, 12), ends_on=dt.date(2026, 5, 13))
    for _ in range(8):
        make_registration(event)
    _demo_checkin(event, random.Random(7), now=now)
    db.session.commit()
    times = db.session.execute(db.select(CheckIn.checked_in_at)).scalars().all()
    assert len(times) == 8
    assert all(now - dt.timedelta(hours=2) <= t < now for t in times)
