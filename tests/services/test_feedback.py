"""Feedback rules: who may rate what, when, and once (changeable until the closing date)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from conference.extensions import db
from conference.models import (
    CheckIn,
    Feedback,
    FeedbackOpening,
    Registration,
    RegistrationState,
    SessionType,
)
from conference.models.feedback import COMMENT_MAX_LENGTH
from conference.services.feedback import core
from conference.services.feedback.core import (
    Closed,
    InvalidComment,
    InvalidRating,
    InvalidSettings,
    NotAttended,
    NotOpen,
    Window,
    rateable_sessions,
    save_settings,
    submit_feedback,
    targets_for,
)
from tests.fixtures.agenda import local
from tests.fixtures.feedback import AFTER_CLOSE, AFTER_EVENT, CLOSES_AT


def _rows() -> list[Feedback]:
    return list(db.session.execute(db.select(Feedback).order_by(Feedback.id)).scalars())


# ---------------------------------------------------------------- what may be rated

def test_a_session_with_a_booked_seat_can_be_rated(feedback_world):
    w = feedback_world
    feedback = submit_feedback(w.registration, session=w.booked, rating=4, now=AFTER_EVENT)
    assert (feedback.session_id, feedback.rating) == (w.booked.id, 4)


def test_a_session_on_the_personal_agenda_counts_as_booked(feedback_world):
    w = feedback_world
    submit_feedback(w.registration, session=w.starred, rating=5, now=AFTER_EVENT)
    assert [row.session_id for row in _rows()] == [w.starred.id]


def test_a_check_in_at_the_session_checkpoint_makes_it_rateable(feedback_world,
                                                               make_checkpoint):
    w = feedback_world
    checkpoint = make_checkpoint(w.event, session=w.other)
    db.session.add(CheckIn(event_id=w.event.id, registration_id=w.registration.id,
                           checkpoint_id=checkpoint.id, scope=checkpoint.scope, day_key="all"))
    db.session.commit()
    submit_feedback(w.registration, session=w.other, rating=3, now=AFTER_EVENT)
    assert [row.session_id for row in _rows()] == [w.other.id]


def test_a_session_not_attended_is_refused(feedback_world):
    w = feedback_world
    with pytest.raises(NotAttended):
        submit_feedback(w.registration, session=w.other, rating=3, now=AFTER_EVENT)
    assert _rows() == []


def test_an_entrance_check_in_does_not_make_a_session_rateable(feedback_world,
                                                               make_checkpoint):
    w = feedback_world
    gate = make_checkpoint(w.event)
    db.session.add(CheckIn(event_id=w.event.id, registration_id=w.registration.id,
                           checkpoint_id=gate.id, scope=gate.scope, day_key="all"))
    db.session.commit()
    assert w.other not in rateable_sessions(w.registration)


def test_breaks_are_not_rated(feedback_world):
    w = feedback_world
    w.starred.session_type = SessionType.BREAK
    db.session.commit()
    with pytest.raises(NotAttended):
        submit_feedback(w.registration, session=w.starred, rating=3, now=AFTER_EVENT)


def test_a_cancelled_registration_cannot_rate(feedback_world):
    w = feedback_world
    w.registration.state = RegistrationState.CANCELLED
    db.session.commit()
    with pytest.raises(NotAttended):
        submit_feedback(w.registration, rating=5, now=AFTER_EVENT)


def test_a_session_of_another_event_is_refused(feedback_world, make_event, make_session):
    w = feedback_world
    foreign = make_session(make_event())
    with pytest.raises(NotAttended):
        submit_feedback(w.registration, session=foreign, rating=3, now=AFTER_EVENT)


def test_targets_are_the_event_then_the_attended_sessions_in_programme_order(feedback_world):
    w = feedback_world
    targets = targets_for(w.registration, AFTER_EVENT)
    assert [t.session for t in targets] == [None, w.booked, w.starred]
    assert {t.window for t in targets} == {Window.OPEN}


# ---------------------------------------------------------------- when

def test_rating_before_the_event_is_over_is_refused(feedback_world):
    w = feedback_world
    during = local(w.event.ends_on, "16:00")
    with pytest.raises(NotOpen):
        submit_feedback(w.registration, session=w.booked, rating=4, now=during)


def test_rating_opens_when_the_last_day_is_over(feedback_world):
    w = feedback_world
    midnight = dt.datetime.combine(w.event.ends_on + dt.timedelta(days=1), dt.time(),
                                   tzinfo=w.event.tz)
    submit_feedback(w.registration, rating=4, now=midnight)
    assert len(_rows()) == 1


def test_after_each_session_a_session_opens_when_it_ends(feedback_world, open_feedback):
    w = feedback_world
    open_feedback(w.event, FeedbackOpening.AFTER_SESSION)
    with pytest.raises(NotOpen):
        submit_feedback(w.registration, session=w.booked, rating=4,
                        now=w.booked.ends_at - dt.timedelta(seconds=1))
    submit_feedback(w.registration, session=w.booked, rating=4, now=w.booked.ends_at)
    assert len(_rows()) == 1


def test_after_each_session_the_event_opens_when_its_last_session_ends(feedback_world,
                                                                        open_feedback):
    w = feedback_world
    open_feedback(w.event, FeedbackOpening.AFTER_SESSION)
    with pytest.raises(NotOpen):
        submit_feedback(w.registration, rating=4, now=w.starred.ends_at)
    submit_feedback(w.registration, rating=4, now=w.other.ends_at)
    assert len(_rows()) == 1


def test_rating_after_the_closing_date_is_refused(feedback_world):
    w = feedback_world
    with pytest.raises(Closed):
        submit_feedback(w.registration, rating=4, now=CLOSES_AT)


def test_feedback_switched_off_is_refused_as_not_open(feedback_world):
    w = feedback_world
    save_settings(w.event, enabled=False, opening=FeedbackOpening.AFTER_EVENT, closes_at=None)
    db.session.commit()
    with pytest.raises(NotOpen):
        submit_feedback(w.registration, rating=4, now=AFTER_EVENT)
    assert targets_for(w.registration, AFTER_EVENT) == []


def test_a_change_before_the_closing_date_updates_the_one_rating(feedback_world):
    w = feedback_world
    submit_feedback(w.registration, session=w.booked, rating=2, comment="Too fast",
                    now=AFTER_EVENT)
    db.session.commit()
    later = AFTER_EVENT + dt.timedelta(days=1)
    submit_feedback(w.registration, session=w.booked, rating=5, comment="On reflection, great",
                    now=later)
    db.session.commit()
    [row] = _rows()
    assert (row.rating, row.comment, row.created_at, row.updated_at) == (
        5, "On reflection, great", AFTER_EVENT, later)


def test_a_change_after_the_closing_date_is_refused_and_keeps_the_rating(feedback_world):
    w = feedback_world
    submit_feedback(w.registration, rating=2, now=AFTER_EVENT)
    db.session.commit()
    with pytest.raises(Closed):
        submit_feedback(w.registration, rating=5, now=AFTER_CLOSE)
    assert [row.rating for row in _rows()] == [2]


# ---------------------------------------------------------------- input

@pytest.mark.parametrize("rating", [0, 6, -1, "x", "", " ", None, "1.5", "05", True, "\u0663",
                                    2**31, 4.0, "\r\n"])
def test_a_rating_outside_one_to_five_is_refused(feedback_world, rating):
    w = feedback_world
    with pytest.raises(InvalidRating):
        submit_feedback(w.registration, rating=rating, now=AFTER_EVENT)
    assert _rows() == []


def test_a_rating_sent_as_text_is_read_as_its_number(feedback_world):
    w = feedback_world
    assert submit_feedback(w.registration, rating=" 4 ", now=AFTER_EVENT).rating == 4


def test_a_comment_longer_than_the_limit_is_refused(feedback_world):
    w = feedback_world
    with pytest.raises(InvalidComment):
        submit_feedback(w.registration, rating=3, comment="x" * (COMMENT_MAX_LENGTH + 1),
                        now=AFTER_EVENT)


def test_a_comment_of_exactly_the_limit_is_kept_whole(feedback_world):
    w = feedback_world
    feedback = submit_feedback(w.registration, rating=3, comment="é" * COMMENT_MAX_LENGTH,
                               now=AFTER_EVENT)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Feedback, feedback.id).comment == "é" * COMMENT_MAX_LENGTH


def test_a_comment_with_a_nul_character_is_refused(feedback_world):
    w = feedback_world
    with pytest.raises(InvalidComment):
        submit_feedback(w.registration, rating=3, comment="a\x00b", now=AFTER_EVENT)


# ---------------------------------------------------------------- settings

def test_feedback_switched_on_needs_a_closing_date(feedback_world):
    with pytest.raises(InvalidSettings):
        save_settings(feedback_world.event, enabled=True,
                      opening=FeedbackOpening.AFTER_EVENT, closes_at=None)


def test_the_closing_date_must_be_after_the_start_of_the_event(feedback_world):
    event = feedback_world.event
    with pytest.raises(InvalidSettings):
        save_settings(event, enabled=True, opening=FeedbackOpening.AFTER_EVENT,
                      closes_at=event.local_start().astimezone(dt.UTC))


# ---------------------------------------------------------------- once

def test_the_database_keeps_one_event_rating_per_registration(feedback_world):
    """The partial unique index: a second event rating (session NULL) is refused."""
    w = feedback_world
    for _ in range(2):
        db.session.add(Feedback(event_id=w.event.id, registration_id=w.registration.id,
                                session_id=None, rating=3))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_database_keeps_one_rating_per_registration_and_session(feedback_world):
    w = feedback_world
    for _ in range(2):
        db.session.add(Feedback(event_id=w.event.id, registration_id=w.registration.id,
                                session_id=w.booked.id, rating=3))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_database_refuses_a_rating_outside_one_to_five(feedback_world):
    w = feedback_world
    db.session.add(Feedback(event_id=w.event.id, registration_id=w.registration.id, rating=6))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def _submit_from_two_tabs(app, monkeypatch, registration_id: int,
                          wait_seconds: float = 1) -> list[str]:
    """Two submissions of the event rating at once. Each waits after looking for an
    earlier rating until the other has looked too (so without the lock both find none,
    whatever the load: give it a long ``wait_seconds``); with the lock the other cannot
    get there and the wait ends after ``wait_seconds``."""
    real_existing = core._existing
    looked = threading.Barrier(2)

    def slow_existing(*args):
        found = real_existing(*args)
        with contextlib.suppress(threading.BrokenBarrierError):
            looked.wait(timeout=wait_seconds)
        return found

    monkeypatch.setattr(core, "_existing", slow_existing)
    start = threading.Barrier(2)
    results: list[str] = []

    def tab(rating: int):
        with app.app_context():
            registration = db.session.get(Registration, registration_id)
            start.wait()
            try:
                submit_feedback(registration, rating=rating, now=AFTER_EVENT)
                db.session.commit()
                results.append("saved")
            except sa.exc.IntegrityError:
                db.session.rollback()
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tab, args=(rating,)) for rating in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


@pytest.mark.postgres_only
def test_two_tabs_rating_the_event_at_once_both_succeed_and_leave_one_rating(
        app, feedback_world, monkeypatch):
    results = _submit_from_two_tabs(app, monkeypatch, feedback_world.registration.id)
    assert results == ["saved", "saved"]
    db.session.expire_all()
    assert [row.rating in (2, 5) for row in _rows()] == [True]


@pytest.mark.postgres_only
def test_without_the_lock_the_second_tab_fails_on_the_unique_index(
        app, feedback_world, monkeypatch):
    app.config["FEEDBACK_LOCK"] = False
    results = _submit_from_two_tabs(app, monkeypatch, feedback_world.registration.id,
                                   wait_seconds=20)
    assert results == ["refused", "saved"]
    db.session.expire_all()
    assert len(_rows()) == 1
