"""Speakers and the call for proposals at the end of the retention period, and when a
person who is also a speaker has their data erased."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conference.extensions import db
from conference.models import (
    OutboxMessage,
    OutboxStatus,
    Proposal,
    Review,
    Role,
    Speaker,
    SpeakerUnavailability,
)
from conference.services.cfp.photos import photo_path
from conference.services.cfp.proposals import (
    SpeakerProfile,
    add_unavailability,
    update_speaker_profile,
)
from conference.services.cfp.reviews import assign_reviewer, criteria_of, submit_review
from conference.services.privacy.anonymise import anonymise
from conference.services.privacy.retention import preview
from conference.services.privacy.rights import (
    complete_erasure,
    confirm_erasure,
    request_erasure,
)
from conference.services.privacy.speakers import anonymise_event_speakers
from tests.fixtures.cfp import image_bytes

AFTER_A_YEAR = dt.datetime(2027, 6, 1, tzinfo=dt.UTC)
AFTER_A_MONTH = dt.datetime(2026, 6, 20, tzinfo=dt.UTC)
DURING = dt.datetime(2026, 5, 12, 10, tzinfo=dt.UTC)


@pytest.fixture
def cfp_world(make_event, make_cfp, make_proposal, make_user):
    event = make_event(starts_on=dt.date(2026, 5, 12), ends_on=dt.date(2026, 5, 13))
    make_cfp(event)
    proposals = [make_proposal(event, title=f"Talk {n}", name=f"Ada Lovelace {'ab'[n]}",
                               email=f"ada{n}@speakers.example",
                               co_speakers=[f"co{n}@speakers.example"],
                               notes="Ada needs a projector") for n in range(2)]
    speaker = proposals[0].submitter
    update_speaker_profile(speaker, SpeakerProfile(
        name="Ada Lovelace", email=speaker.email, affiliation="Analytical Engines",
        biography="Ada wrote the first program.", links="https://ada.example/",
        photo=image_bytes("JPEG")))
    add_unavailability(speaker, DURING, DURING + dt.timedelta(hours=1), note="Ada at a clinic")
    reviewer = make_user(Role.REVIEWER, events=[event])
    assign_reviewer(event, reviewer)
    submit_review(proposals[0], reviewer, {c.id: 4 for c in criteria_of(event)}, "Ada is clear")
    db.session.commit()
    return {"event": event, "proposals": proposals, "speaker": speaker,
            "photo": photo_path(speaker.photo_filename)}


def _speakers() -> list[Speaker]:
    return db.session.query(Speaker).order_by(Speaker.id).all()


def test_preview_counts_the_speakers_a_run_removes(cfp_world):
    assert preview(cfp_world["event"], AFTER_A_YEAR).speakers == 4  # two submitters, two co


def test_dry_run_counts_speakers_and_changes_nothing(cfp_world):
    report = anonymise(cfp_world["event"], AFTER_A_YEAR, dry_run=True)
    db.session.expire_all()
    assert report.speakers == 4
    assert [s.name for s in _speakers()][0] == "Ada Lovelace"
    assert cfp_world["photo"].exists()


def test_speakers_stay_while_only_sensitive_answers_are_due(cfp_world):
    report = anonymise(cfp_world["event"], AFTER_A_MONTH)
    db.session.expire_all()
    assert report.speakers == 0
    assert _speakers()[0].email == "ada0@speakers.example"


def test_retention_end_removes_every_personal_field_of_the_speakers(cfp_world):
    old_token = cfp_world["speaker"].token
    report = anonymise(cfp_world["event"], AFTER_A_YEAR)
    db.session.expire_all()
    assert report.speakers == 4
    for speaker in _speakers():
        assert speaker.is_anonymised
        assert (speaker.name, speaker.affiliation, speaker.biography, speaker.links) == (
            "", "", "", "")
        assert speaker.photo_filename is None and not speaker.is_public
    assert db.session.query(Speaker).filter_by(token=old_token).count() == 0
    assert db.session.query(SpeakerUnavailability).count() == 0
    assert not cfp_world["photo"].exists()


def test_retention_end_keeps_what_statistics_need(cfp_world):
    anonymise(cfp_world["event"], AFTER_A_YEAR)
    db.session.expire_all()
    proposals = db.session.query(Proposal).order_by(Proposal.id).all()
    assert [p.title for p in proposals] == ["Talk 0", "Talk 1"]
    assert all(p.track_id is not None and p.notes == "" for p in proposals)
    assert [len(p.speaker_links) for p in proposals] == [2, 2]
    [review] = db.session.query(Review).all()
    assert review.comment == "" and review.overall == 4


def test_retention_end_blanks_speaker_mail_and_never_sends_it(cfp_world):
    anonymise(cfp_world["event"], AFTER_A_YEAR)
    db.session.expire_all()
    messages = db.session.query(OutboxMessage).all()
    assert messages
    assert all(m.recipient == "" and m.body_text == "" for m in messages)
    assert not [m for m in messages if m.status is OutboxStatus.PENDING]


def test_a_second_run_finds_no_speaker_left(cfp_world):
    anonymise(cfp_world["event"], AFTER_A_YEAR)
    assert anonymise_event_speakers(cfp_world["event"]) == 0
    assert preview(cfp_world["event"], AFTER_A_YEAR).speakers == 0


def test_other_events_speakers_are_untouched(cfp_world, make_event, make_speaker):
    other = make_speaker(make_event(), name="Grace Hopper")
    anonymise(cfp_world["event"], AFTER_A_YEAR)
    db.session.expire_all()
    assert db.session.get(Speaker, other.id).name == "Grace Hopper"


def test_erasure_of_a_speakers_registration_anonymises_the_speaker_too(
        cfp_world, make_registration):
    event = cfp_world["event"]
    person = make_registration(event, first_name="Ada", last_name="Lovelace",
                               email="ada0@speakers.example")
    request_erasure(person, DURING)
    db.session.commit()
    body = db.session.query(OutboxMessage).filter_by(kind="privacy.erasure_confirm").one()
    secret = re.search(r"/erasure/([\w-]+)", body.body_text).group(1)
    request = confirm_erasure(event, secret, DURING + dt.timedelta(hours=1))
    complete_erasure(request, now=DURING + dt.timedelta(hours=2))
    db.session.commit()
    db.session.expire_all()
    speakers = _speakers()
    assert speakers[0].is_anonymised and speakers[0].name == ""
    # Their own proposal loses its notes; the other speakers stay as they were.
    assert cfp_world["proposals"][0].notes == ""
    assert cfp_world["proposals"][1].notes == "Ada needs a projector"
    assert [s.is_anonymised for s in speakers[1:]] == [False, False, False]


def test_an_interrupted_speaker_run_leaves_them_untouched_and_a_rerun_finishes(
        cfp_world, monkeypatch):
    from conference.services.privacy import speakers as module

    def killed(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(module, "_blank_proposals", killed)
    with pytest.raises(RuntimeError):
        anonymise(cfp_world["event"], AFTER_A_YEAR)
    db.session.rollback()
    db.session.expire_all()
    assert not any(s.is_anonymised for s in _speakers())
    assert _speakers()[0].name == "Ada Lovelace"
    monkeypatch.undo()
    report = anonymise(cfp_world["event"], AFTER_A_YEAR)
    assert report.speakers == 4
    assert all(s.is_anonymised and s.name == "" for s in _speakers())


def test_a_later_daily_run_leaves_finished_proposals_alone(cfp_world):
    anonymise(cfp_world["event"], AFTER_A_YEAR)
    tokens = [p.token for p in db.session.query(Proposal).order_by(Proposal.id)]
    anonymise(cfp_world["event"], AFTER_A_YEAR + dt.timedelta(days=1))
    db.session.expire_all()
    assert [p.token for p in db.session.query(Proposal).order_by(Proposal.id)] == tokens
    assert all(token.startswith("~") for token in tokens)
