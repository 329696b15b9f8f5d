"""One rule for every person's name, and nobody is shown by their email."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import DecisionKind, Proposal, Registration, Role, Speaker, User
from conference.services.accounts import AccountError, create_account
from conference.services.cfp import decisions
from conference.services.cfp import proposals as cfp
from conference.services.cfp.errors import InvalidSpeakerName, NameRequired
from conference.services.names import InvalidName, clean_person_name
from conference.services.programme.exports import programme_json
from conference.services.registration.attendee_input import InvalidDetails, clean_name

GOOD_NAMES = ["Łukasz Żółkiewski-Wąsowicz", "O'Brien", "李小龙", "Zoë d’Arc", "J. R. R. Tolkien"]
BAD_NAMES = ["<b>Eve</b>", "=HYPERLINK(\"http://x\")", "+48 600", "@SUM(A1)", "Eve\x00",
             "eve@example.org", "R2D2", "Anna &amp; Jan", "...", "Jan\u202eKowalski"]


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_real_names_of_any_script_pass_everywhere(name):
    assert clean_person_name(name) == name
    assert clean_name("first_name", name) == name


@pytest.mark.parametrize("name", BAD_NAMES)
def test_markup_formulas_digits_and_emails_are_refused_everywhere(name):
    with pytest.raises(InvalidName):
        clean_person_name(name)
    with pytest.raises(InvalidDetails):
        clean_name("last_name", name)


def test_whitespace_is_collapsed_and_an_optional_name_may_be_empty():
    assert clean_person_name("  Anna \t Maria  ") == "Anna Maria"
    assert clean_person_name("  ", required=False) == ""
    with pytest.raises(InvalidName):
        clean_person_name(" ")


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "=cmd|' /C calc'!A0"])
def test_a_proposal_with_a_markup_or_formula_speaker_name_saves_nothing(
        app, make_event, make_cfp, make_proposal, name):
    event = make_event()
    make_cfp(event)
    with pytest.raises(InvalidSpeakerName):
        make_proposal(event, name=name)
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count()).select_from(Proposal)).scalar() == 0
    assert db.session.execute(db.select(db.func.count()).select_from(Speaker)).scalar() == 0


def test_a_speaker_profile_refuses_a_formula_name_and_keeps_the_old_one(
        app, make_event, make_cfp, make_proposal):
    event = make_event()
    make_cfp(event)
    speaker = make_proposal(event).submitter
    with pytest.raises(InvalidSpeakerName):
        cfp.update_speaker_profile(speaker, cfp.SpeakerProfile(name="=1+2", email=speaker.email))
    db.session.rollback()
    assert db.session.get(Speaker, speaker.id).name == "Maria Skłodowska"


def test_organizers_cannot_add_a_speaker_with_markup_in_the_name(app, make_event):
    event = make_event()
    for add in (cfp.add_invited_speaker, cfp.add_speaker):
        with pytest.raises(InvalidSpeakerName):
            add(event, cfp.SpeakerProfile(name="<img src=x onerror=alert(1)>",
                                          email="x@example.org"))
        db.session.rollback()
    assert db.session.execute(db.select(Speaker)).first() is None


def test_a_staff_account_name_follows_the_same_rule(app):
    with pytest.raises(AccountError) as refused:
        create_account(email="door@example.org", password="long-enough-password",
                       role=Role.DOOR, name="<b>Door</b>")
    assert refused.value.details["field"] == "name"
    user = create_account(email="door@example.org", password="long-enough-password",
                          role=Role.DOOR, name=" Zoë  Kowalska ")
    assert user.name == "Zoë Kowalska"
    assert create_account(email="nameless@example.org", password="long-enough-password",
                          role=Role.DOOR).name == ""
    db.session.commit()
    assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar() == 2


def test_a_co_speaker_invited_by_email_gets_no_name_from_the_email(
        app, make_event, make_cfp, make_proposal):
    event = make_event()
    make_cfp(event)
    proposal = make_proposal(event, co_speakers=["jonas.weber@example.de"])
    co = proposal.speakers[1]
    assert co.name == ""
    assert "jonas" not in co.name


def test_a_co_speaker_must_give_a_name_before_confirming(
        app, make_event, make_cfp, make_proposal):
    event = make_event()
    make_cfp(event)
    proposal = make_proposal(event, co_speakers=["jonas.weber@example.de"])
    co = proposal.speakers[1]
    with pytest.raises(NameRequired):
        cfp.confirm_co_speaking(co, proposal)
    cfp.update_speaker_profile(co, cfp.SpeakerProfile(name="Jonas Weber", email=co.email))
    cfp.confirm_co_speaking(co, proposal)
    assert proposal.speaker_links[1].confirmed_at is not None


def test_a_confirmed_proposal_never_shows_or_badges_a_nameless_co_speaker(
        app, make_event, make_cfp, make_proposal):
    event = make_event()
    make_cfp(event)
    proposal = make_proposal(event, co_speakers=["jonas.weber@example.de"])
    co = proposal.speakers[1]
    co.is_invited = True  # even an invited speaker stays hidden until named
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event)
    session = decisions.confirm_participation(proposal)
    # An organizer puts the nameless co-speaker into the session by hand.
    session.speakers.append(co)
    session.starts_at, session.ends_at = _event_slot(event)
    db.session.commit()
    assert co not in cfp.public_speakers(event)
    assert session.public_speakers == [proposal.submitter]
    assert decisions.ensure_speaker_registration(co) is None
    emails = set(db.session.execute(db.select(Registration.email)).scalars())
    assert emails == {proposal.submitter.email}
    exported = str(programme_json(event, [session]))
    assert "jonas" not in exported.lower()
    assert proposal.submitter.name in exported


def _event_slot(event):
    start = dt.datetime.combine(event.starts_on, dt.time(10), tzinfo=event.tz)
    return start, start + dt.timedelta(minutes=20)
