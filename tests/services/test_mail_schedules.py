"""Scheduled emails: due once per recipient at their moment, even with two workers or
after a restart; never refired by an edit; no late reminder for later registrations."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import OutboxMessage, ScheduleAnchor, ScheduleMark
from conference.services.messaging.merge import UnknownMergeField
from conference.services.messaging.outbox import deliver_pending
from conference.services.messaging.recipients import Audience
from conference.services.messaging.schedules import (
    SCHEDULED_KIND,
    ScheduleInPast,
    run_schedules,
    save_rule,
)

#: The event starts 2027-05-12 00:00 in Warsaw, which is 2027-05-11 22:00 UTC.
EVENT_START = dt.datetime(2027, 5, 11, 22, 0, tzinfo=dt.UTC)
DAY_BEFORE = EVENT_START - dt.timedelta(days=1)
CREATED = dt.datetime(2027, 4, 1, 9, 0, tzinfo=dt.UTC)
SUBJECT = LocalizedText({"pl": "Jutro start", "en": "Tomorrow we start"})
BODY = LocalizedText({"pl": "Cześć {first_name}!", "en": "Hello {first_name}!"})


def _rule(world, anchor=ScheduleAnchor.EVENT_START, offset=-24 * 60, audience=None,
          now=CREATED, **kwargs):
    rule = save_rule(world["event"], anchor=anchor, offset_minutes=offset,
                     audience=audience or Audience(), subject=SUBJECT, body=BODY, now=now,
                     **kwargs)
    db.session.commit()
    return rule


def _scheduled() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == SCHEDULED_KIND).order_by(OutboxMessage.recipient)).scalars())


def test_a_rule_does_not_fire_before_its_moment(mail_world):
    _rule(mail_world)
    assert run_schedules(now=DAY_BEFORE - dt.timedelta(minutes=1)) == 0
    assert _scheduled() == []


def test_a_rule_fires_at_its_moment_for_each_recipient_in_their_language(mail_world):
    _rule(mail_world)
    assert run_schedules(now=DAY_BEFORE + dt.timedelta(seconds=30)) == 3
    rows = {m.recipient: m for m in _scheduled()}
    assert sorted(rows) == ["ben@example.org", "cleo@example.org", "ola@example.org"]
    assert "Cześć Ola!" in rows["ola@example.org"].body_text
    assert "Hello Ben!" in rows["ben@example.org"].body_text
    assert rows["ben@example.org"].list_unsubscribe


def test_a_second_tick_and_a_restart_send_nothing_again(mail_world):
    _rule(mail_world)
    run_schedules(now=DAY_BEFORE)
    assert run_schedules(now=DAY_BEFORE + dt.timedelta(minutes=1)) == 0
    db.session.remove()  # a worker restarting: a new session, nothing kept in memory
    assert run_schedules(now=DAY_BEFORE + dt.timedelta(hours=2)) == 0
    assert len(_scheduled()) == 3


def test_a_rule_edited_after_it_fired_does_not_fire_again(mail_world):
    rule = _rule(mail_world)
    run_schedules(now=DAY_BEFORE)
    _rule(mail_world, offset=-23 * 60, rule=rule, now=DAY_BEFORE + dt.timedelta(minutes=5))
    assert rule.version == 2
    assert run_schedules(now=DAY_BEFORE + dt.timedelta(hours=2)) == 0
    assert len(_scheduled()) == 3


def test_a_registration_made_after_the_moment_gets_no_past_reminder(mail_world,
                                                                    make_registration):
    _rule(mail_world)
    run_schedules(now=DAY_BEFORE)
    make_registration(mail_world["event"], mail_world["standard"], email="late@example.org",
                      created_at=DAY_BEFORE + dt.timedelta(hours=1))
    assert run_schedules(now=DAY_BEFORE + dt.timedelta(hours=2)) == 0
    assert "late@example.org" not in [m.recipient for m in _scheduled()]


def test_a_registration_made_before_the_moment_but_missed_is_caught_up(mail_world,
                                                                       make_registration):
    _rule(mail_world)
    make_registration(mail_world["event"], mail_world["standard"], email="early@example.org",
                      created_at=DAY_BEFORE - dt.timedelta(hours=1))
    assert run_schedules(now=DAY_BEFORE + dt.timedelta(minutes=1)) == 4


def test_a_moment_long_past_is_not_sent_late(mail_world):
    _rule(mail_world)
    assert run_schedules(now=DAY_BEFORE + dt.timedelta(days=3)) == 0


def test_a_rule_whose_moment_is_past_is_refused(mail_world):
    with pytest.raises(ScheduleInPast):
        _rule(mail_world, now=DAY_BEFORE + dt.timedelta(minutes=1))
    db.session.rollback()
    assert run_schedules(now=DAY_BEFORE + dt.timedelta(minutes=2)) == 0


def test_a_rule_with_an_unknown_merge_field_is_refused(mail_world):
    with pytest.raises(UnknownMergeField):
        save_rule(mail_world["event"], anchor=ScheduleAnchor.EVENT_START,
                  offset_minutes=-60, audience=Audience(), subject=SUBJECT,
                  body=LocalizedText({"pl": "{name}"}), now=CREATED)


def test_a_per_session_rule_reminds_those_who_booked_before_their_session(mail_world):
    workshop = mail_world["workshop"]  # 14:00 Warsaw on the first day
    _rule(mail_world, anchor=ScheduleAnchor.SESSION_START, offset=-60)
    moment = workshop.starts_at - dt.timedelta(hours=1)
    assert run_schedules(now=moment - dt.timedelta(seconds=1)) == 0
    assert run_schedules(now=moment) == 2
    assert [m.recipient for m in _scheduled()] == ["cleo@example.org", "ola@example.org"]
    marks = db.session.execute(db.select(ScheduleMark)).scalars().all()
    assert {m.session_key for m in marks} == {workshop.id}


def test_an_after_the_event_rule_fires_after_the_end(mail_world):
    _rule(mail_world, anchor=ScheduleAnchor.EVENT_END, offset=120)
    end = dt.datetime(2027, 5, 13, 22, 0, tzinfo=dt.UTC)  # midnight after the last day
    assert run_schedules(now=end + dt.timedelta(minutes=119)) == 0
    assert run_schedules(now=end + dt.timedelta(minutes=120)) == 3


def test_a_switched_off_rule_does_not_fire(mail_world):
    rule = _rule(mail_world)
    rule.active = False
    db.session.commit()
    assert run_schedules(now=DAY_BEFORE) == 0


def test_scheduled_mail_reaches_a_real_smtp_server_with_unsubscribe_headers(mail_world,
                                                                           smtp_server):
    _rule(mail_world)
    run_schedules(now=DAY_BEFORE)
    assert deliver_pending(now=DAY_BEFORE + dt.timedelta(minutes=1)).sent == 3
    [received] = smtp_server.to("ola@example.org")
    assert "Jutro start" in received["Subject"]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in received["List-Unsubscribe"]


def test_two_workers_ticking_at_once_send_each_reminder_once(app, mail_world, backend,
                                                             make_registration):
    if backend != "postgresql":
        pytest.skip("the race needs PostgreSQL (SQLite serialises writers)")
    for n in range(40):
        make_registration(mail_world["event"], mail_world["standard"],
                          email=f"many{n}@example.org", created_at=CREATED)
    _rule(mail_world)
    barrier = threading.Barrier(8)
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait()
                results.append(run_schedules(now=DAY_BEFORE))
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sum(results) == 43
    rows = _scheduled()
    assert len(rows) == 43
    assert len({m.recipient for m in rows}) == 43
