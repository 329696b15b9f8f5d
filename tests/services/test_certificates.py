"""Certificates: who earns one (from real check-ins), issuing, revoking, public ids."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import Certificate, ReleaseRule, SessionType
from conference.services.certificates.attendance import attendance_of
from conference.services.certificates.issuing import (
    certificate_link,
    certificate_of,
    eligible_registrations,
    find_by_public_id,
    reissue_certificate,
    release_certificates,
    revoke_certificate,
)
from conference.services.certificates.settings import certificate_settings

DAY1, DAY2, DAY3 = dt.date(2026, 5, 12), dt.date(2026, 5, 13), dt.date(2026, 5, 14)


def _rule(event, rule: ReleaseRule, minimum: int = 1) -> None:
    settings = certificate_settings(event)
    settings.rule, settings.rule_minimum = rule, minimum
    db.session.add(settings)
    db.session.commit()


def _eligible_names(event) -> list[str]:
    return [r.last_name for r, _ in eligible_registrations(event)]


def test_checked_in_once_rule_selects_everyone_checked_in_and_nobody_else(
        daily_event, make_registration, attend):
    event = daily_event()
    came = make_registration(event, last_name="Came")
    make_registration(event, last_name="Stayed-home")
    attend(came, DAY2)
    assert _eligible_names(event) == ["Came"]


def test_days_rule_counts_distinct_event_days_with_a_check_in(
        daily_event, make_registration, attend):
    event = daily_event()
    _rule(event, ReleaseRule.DAYS, 2)
    two_days = make_registration(event, last_name="Two")
    one_day = make_registration(event, last_name="One")
    attend(two_days, DAY1)
    attend(two_days, DAY3)
    attend(one_day, DAY1)
    assert _eligible_names(event) == ["Two"]


def test_sessions_rule_counts_workshop_check_ins_not_entrance_ones(
        daily_event, make_registration, make_workshop, attend):
    event = daily_event()
    _rule(event, ReleaseRule.SESSIONS, 2)
    first, second = make_workshop(event), make_workshop(event, starts_at=dt.datetime(
        2026, 5, 12, 12, tzinfo=dt.UTC), ends_at=dt.datetime(2026, 5, 12, 13, tzinfo=dt.UTC))
    keen = make_registration(event, last_name="Keen")
    casual = make_registration(event, last_name="Casual")
    attend(keen, DAY1, "11:05", session=first)
    attend(keen, DAY1, "14:05", session=second)
    attend(casual, DAY1)
    attend(casual, DAY1, "11:05", session=first)
    assert _eligible_names(event) == ["Keen"]


def test_cancelled_registrations_get_no_certificate(daily_event, make_registration, attend):
    from conference.models import RegistrationState

    event = daily_event()
    registration = make_registration(event)
    attend(registration, DAY1)
    registration.state = RegistrationState.CANCELLED
    db.session.commit()
    assert eligible_registrations(event) == []


def test_hours_count_open_programme_of_days_attended_and_workshops_once(
        daily_event, make_registration, make_session, make_workshop, attend):
    event = daily_event()
    make_session(event, day=DAY1, start="10:00", end="12:00")  # 2 h
    make_session(event, day=DAY1, start="11:00", end="12:30")  # parallel: +0.5 h
    make_session(event, day=DAY1, start="12:30", end="13:30", session_type=SessionType.BREAK)
    make_session(event, day=DAY2, start="10:00", end="16:00")  # a day not attended
    workshop = make_workshop(event, starts_at=dt.datetime(2026, 5, 12, 12, tzinfo=dt.UTC),
                             ends_at=dt.datetime(2026, 5, 12, 14, tzinfo=dt.UTC))  # 14–16 local
    not_attended = make_workshop(event, starts_at=dt.datetime(2026, 5, 12, 14, tzinfo=dt.UTC),
                                 ends_at=dt.datetime(2026, 5, 12, 17, tzinfo=dt.UTC))
    registration = make_registration(event)
    attend(registration, DAY1, "09:30")
    attend(registration, DAY1, "14:00", session=workshop)
    attendance = attendance_of(registration)
    assert attendance.days == [DAY1]
    assert [s.id for s in attendance.sessions] == [workshop.id]
    assert not_attended.id not in [s.id for s in attendance.sessions]
    assert attendance.minutes == 150 + 120


def test_release_issues_once_and_a_second_run_issues_only_the_missing(
        daily_event, make_registration, attend):
    event = daily_event()
    first = make_registration(event)
    attend(first, DAY1)
    assert len(release_certificates(event)) == 1
    db.session.commit()
    assert release_certificates(event) == []
    second = make_registration(event)
    attend(second, DAY2)
    issued = release_certificates(event)
    db.session.commit()
    assert [c.registration_id for c in issued] == [second.id]
    assert db.session.query(Certificate).count() == 2


def test_a_revoked_certificate_is_not_issued_again_by_a_release(
        daily_event, make_registration, attend):
    event = daily_event()
    registration = make_registration(event)
    attend(registration, DAY1)
    [certificate] = release_certificates(event)
    revoke_certificate(certificate, "duplicate")
    db.session.commit()
    assert release_certificates(event) == []
    assert certificate_of(registration) is None
    assert certificate_link(registration) is None


def test_issued_certificate_keeps_its_snapshot_until_reissued(
        daily_event, make_registration, attend):
    event = daily_event()
    registration = make_registration(event, first_name="Ewa", last_name="Lis")
    attend(registration, DAY1)
    [certificate] = release_certificates(event)
    db.session.commit()
    public_id = certificate.public_id
    registration.last_name = "Lis-Kowalska"
    attend(registration, DAY2)
    assert certificate.full_name == "Ewa Lis" and certificate.days == ["2026-05-12"]
    reissue_certificate(certificate)
    db.session.commit()
    assert certificate.full_name == "Ewa Lis-Kowalska"
    assert certificate.days == ["2026-05-12", "2026-05-13"]
    assert certificate.public_id == public_id


def test_public_ids_are_long_random_and_url_safe(daily_event, make_registration, attend):
    import re

    event = daily_event()
    for _ in range(5):
        attend(make_registration(event), DAY1)
    ids = [c.public_id for c in release_certificates(event)]
    assert len(set(ids)) == 5
    for public_id in ids:
        assert re.fullmatch(r"[A-Za-z0-9_-]{16}", public_id)  # 16 x 6 bits = 96 bits


@pytest.mark.parametrize("guess", ["", "x", "1", "A" * 16, "A" * 33])
def test_wrong_public_ids_find_nothing(daily_event, make_registration, attend, guess):
    event = daily_event()
    attend(make_registration(event), DAY1)
    [certificate] = release_certificates(event)
    assert find_by_public_id(certificate.public_id) is certificate
    assert find_by_public_id(guess) is None
    assert find_by_public_id(certificate.public_id[:-1]) is None


def test_certificate_link_is_absolute_download_address(app, daily_event, make_registration,
                                                       attend):
    event = daily_event()
    registration = make_registration(event)
    assert certificate_link(registration) is None
    attend(registration, DAY1)
    release_certificates(event)
    db.session.commit()
    link = certificate_link(registration)
    assert link == (f"{app.config['BASE_URL']}/e/{event.slug}/r/{registration.token}"
                    "/certificate.pdf")
