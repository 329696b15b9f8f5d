"""Retention settings, the preview and anonymisation of an event's personal data."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import (
    AgendaFeed,
    Answer,
    CheckIn,
    OutboxMessage,
    OutboxStatus,
    Question,
    QuestionKind,
    Registration,
)
from conference.services.privacy.anonymise import anonymise, anonymise_due_events
from conference.services.privacy.errors import InvalidRetention
from conference.services.privacy.retention import (
    anonymise_due_at,
    preview,
    save_retention_settings,
    sensitive_due_at,
)
from conference.services.registration.core import AttendeeDetails, register

EVENT_END = dt.date(2026, 5, 13)
AFTER_A_YEAR = dt.datetime(2027, 6, 1, tzinfo=dt.UTC)
AFTER_A_MONTH = dt.datetime(2026, 6, 20, tzinfo=dt.UTC)
DURING = dt.datetime(2026, 5, 12, 10, tzinfo=dt.UTC)


@pytest.fixture
def world(make_event, make_ticket_type, attend):
    event = make_event(starts_on=dt.date(2026, 5, 12), ends_on=EVENT_END)
    ticket = make_ticket_type(event)
    diet = Question(event=event, label="Dietary needs", kind=QuestionKind.SHORT_TEXT,
                    sensitive=True)
    company = Question(event=event, label="Company size", kind=QuestionKind.SHORT_TEXT)
    db.session.add_all([diet, company])
    db.session.commit()
    people = []
    for n in range(3):
        registration = register(event, ticket, AttendeeDetails(
            first_name="Grzegorz", last_name="Brzęczyszczykiewicz" + "abc"[n],
            email=f"grzegorz.{n}@chrzaszcz.example", organization="Szczebrzeszyn Bio",
            country="PL", phone="+48 600 100 200"),
            answers={diet.id: "vegan", company.id: "50"}, privacy_consent=True,
            now=DURING - dt.timedelta(days=30))
        db.session.add(AgendaFeed(registration_id=registration.id))
        db.session.commit()
        attend(registration, dt.date(2026, 5, 12))
        people.append(registration)
    return {"event": event, "people": people, "diet": diet, "company": company}


def test_defaults_due_twelve_months_and_thirty_days_after_the_end(world):
    event = world["event"]
    assert anonymise_due_at(event).date() == dt.date(2027, 5, 13)
    assert sensitive_due_at(event).date() == dt.date(2026, 6, 12)


def test_preview_counts_what_a_run_removes(world):
    counts = preview(world["event"], AFTER_A_YEAR)
    assert counts.is_due and counts.sensitive_is_due
    assert counts.registrations == 3
    assert counts.answers == 6
    assert counts.sensitive_answers == 3
    assert counts.outbox_messages == 3
    assert counts.check_ins == 3


def test_dry_run_changes_nothing(world):
    report = anonymise(world["event"], AFTER_A_YEAR, dry_run=True)
    assert report.registrations == 3
    db.session.expire_all()
    assert db.session.get(Registration, world["people"][0].id).anonymised_at is None
    assert db.session.query(Answer).count() == 6


def test_nothing_happens_before_anything_is_due(world):
    report = anonymise(world["event"], DURING)
    assert report.skipped
    assert db.session.query(Answer).count() == 6


def test_only_sensitive_answers_go_after_the_sensitive_period(world):
    report = anonymise(world["event"], AFTER_A_MONTH)
    assert report.sensitive_answers == 3 and report.registrations == 0
    remaining = db.session.query(Answer).all()
    assert {a.question_id for a in remaining} == {world["company"].id}
    assert db.session.get(Registration, world["people"][0].id).first_name == "Grzegorz"


def test_anonymise_removes_the_person_and_keeps_statistics(world):
    person = world["people"][0]
    old_token, old_code = person.token, person.ticket_code
    anonymise(world["event"], AFTER_A_YEAR)
    db.session.expire_all()
    person = db.session.get(Registration, person.id)
    assert person.anonymised_at is not None
    assert (person.first_name, person.last_name, person.organization, person.phone,
            person.search_key) == ("", "", "", "", "")
    assert "grzegorz" not in person.email
    assert person.token != old_token and person.ticket_code != old_code
    assert person.country == "PL" and person.ticket_type_id is not None
    assert db.session.query(CheckIn).filter_by(registration_id=person.id).count() == 1
    assert db.session.query(Answer).count() == 0
    assert db.session.query(AgendaFeed).count() == 0


def test_anonymise_blanks_the_outbox_and_never_sends_pending_mail(world):
    anonymise(world["event"], AFTER_A_YEAR)
    messages = db.session.query(OutboxMessage).all()
    assert messages and all(m.recipient == "" and m.body_text == "" and m.subject == ""
                            for m in messages)
    assert not [m for m in messages if m.status is OutboxStatus.PENDING]


def test_organizer_may_run_it_early(world):
    report = anonymise(world["event"], DURING, early=True)
    assert report.registrations == 3


def test_an_interrupted_run_leaves_whole_people_and_a_rerun_continues(world, monkeypatch):
    from conference.services.privacy import anonymise as module

    real = module.anonymise_registrations
    calls = []

    def dies_on_second_batch(event, ids, now):
        calls.append(ids)
        if len(calls) == 2:
            real(event, ids, now)
            raise RuntimeError("worker killed")
        return real(event, ids, now)

    monkeypatch.setattr(module, "anonymise_registrations", dies_on_second_batch)
    with pytest.raises(RuntimeError):
        anonymise(world["event"], AFTER_A_YEAR, batch_size=1)
    db.session.rollback()
    people = db.session.query(Registration).order_by(Registration.id).all()
    # The first batch is done; the second was rolled back whole: its person is untouched.
    assert [bool(p.anonymised_at) for p in people] == [True, False, False]
    assert people[1].first_name == "Grzegorz" and people[1].email.startswith("grzegorz")
    monkeypatch.setattr(module, "anonymise_registrations", real)
    report = anonymise(world["event"], AFTER_A_YEAR, batch_size=1)
    assert report.registrations == 2
    assert all(p.anonymised_at for p in db.session.query(Registration).all())


def test_daily_job_anonymises_due_events_only(world, make_event):
    later = make_event(starts_on=dt.date(2027, 5, 1), ends_on=dt.date(2027, 5, 2))
    done = anonymise_due_events(AFTER_A_YEAR)
    assert done == {world["event"].slug: 3}
    assert later.slug not in done


def test_daily_job_skips_events_with_manual_retention(world):
    save_retention_settings(world["event"], months_after_end=12, sensitive_days_after_end=30,
                            automatic=False)
    db.session.commit()
    assert anonymise_due_events(AFTER_A_YEAR) == {}


@pytest.mark.parametrize("months, days", [(-1, 30), (121, 30), (12, -5), (1, 90)])
def test_retention_out_of_range_is_refused(world, months, days):
    with pytest.raises(InvalidRetention):
        save_retention_settings(world["event"], months_after_end=months,
                                sensitive_days_after_end=days, automatic=True)


def test_shorter_retention_moves_the_due_date(world):
    save_retention_settings(world["event"], months_after_end=1, sensitive_days_after_end=7,
                            automatic=True)
    assert anonymise_due_at(world["event"]).date() == dt.date(2026, 6, 13)
