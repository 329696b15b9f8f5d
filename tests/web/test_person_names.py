"""Names through the pages: the same rule on every form, and nobody shown by their email."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conference.extensions import db
from conference.models import DecisionKind, Proposal, Role, Speaker, User
from conference.services.cfp import decisions
from conference.services.cfp import settings as cfp_settings


@pytest.fixture
def event(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    return event


def _errors(response) -> str:
    html = response.get_data(as_text=True)
    return " ".join(re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', html, re.S))


def _proposal_form(event, **overrides) -> dict:
    track = cfp_settings.offered_tracks(event)[0]
    data = {
        "title": "Organ-on-chip models", "abstract": "We grow barriers.",
        "session_type": "talk", "track": str(track.id), "duration": "20", "language": "en",
        "notes": "", "co_speakers": "", "name": "Łukasz Wójcik", "email": "lukasz@example.org",
        "affiliation": "", "biography": "", "links": "",
    }
    data.update(overrides)
    return data


def _count(model) -> int:
    db.session.expire_all()
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "=HYPERLINK(\"x\")"])
def test_the_proposal_form_refuses_a_markup_or_formula_name(client, event, name):
    response = client.post(f"/e/{event.slug}/cfp", data=_proposal_form(event, name=name))
    assert response.status_code == 422
    assert "using letters" in _errors(response)
    assert _count(Proposal) == 0 and _count(Speaker) == 0


def test_the_speaker_profile_refuses_a_formula_name(client, event, make_proposal):
    speaker = make_proposal(event).submitter
    response = client.post(f"/e/{event.slug}/speaker/{speaker.token}", data={
        "name": "@SUM(1+1)", "affiliation": "", "biography": "", "links": ""})
    assert response.status_code == 422
    assert "using letters" in _errors(response)
    db.session.expire_all()
    assert speaker.name == "Maria Skłodowska"


@pytest.fixture
def organizer(app, event, make_user, login):
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, events=[event], superuser=True))
    return client


def test_organizers_cannot_add_a_speaker_with_markup_in_the_name(organizer, event):
    for path in (f"/manage/{event.slug}/programme/speakers", f"/manage/{event.slug}/cfp/speakers"):
        response = organizer.post(path, data={"name": "<b>Bold</b>", "email": "b@example.org",
                                              "affiliation": "", "biography": "", "links": ""})
        assert response.status_code in (200, 422), path
        assert "using letters" in _errors(response), path
    assert _count(Speaker) == 0


def test_a_staff_account_with_markup_in_the_name_is_refused(organizer):
    response = organizer.post("/manage/users", data={
        "email": "door@example.org", "name": "<i>Door</i>", "role": "door",
        "password": "long-enough-password"})
    assert response.status_code == 200
    assert "using letters" in _errors(response)
    assert db.session.execute(db.select(User).filter_by(email="door@example.org")).first() is None


def test_a_nameless_co_speaker_is_shown_nowhere_public_and_invited_to_organizers(
        client, organizer, event, make_proposal):
    proposal = make_proposal(event, co_speakers=["jonas.weber@example.de"])
    co = proposal.speakers[1]
    co.is_invited = True
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event)
    session = decisions.confirm_participation(proposal)
    session.speakers.append(co)
    session.starts_at = dt.datetime.combine(event.starts_on, dt.time(10), tzinfo=event.tz)
    session.ends_at = session.starts_at + dt.timedelta(minutes=20)
    db.session.commit()
    public_pages = [f"/e/{event.slug}/speakers", f"/e/{event.slug}/programme",
                    f"/e/{event.slug}/programme/{session.id}", f"/e/{event.slug}/programme.json",
                    f"/e/{event.slug}/schedule.xml", f"/e/{event.slug}/programme.ics"]
    for path in public_pages:
        page = client.get(path)
        assert page.status_code == 200, path
        text = page.get_data(as_text=True)
        assert "jonas" not in text.lower(), path
        assert "Maria" in text, path  # the named speaker is there
    assert client.get(f"/e/{event.slug}/speakers/{co.id}").status_code == 404
    for path in (f"/manage/{event.slug}/cfp/speakers",
                 f"/manage/{event.slug}/cfp/proposals/{proposal.id}"):
        page = organizer.get(path).get_data(as_text=True)
        assert "invited" in page, path


def test_a_co_speaker_cannot_confirm_before_giving_a_name(client, event, make_proposal):
    proposal = make_proposal(event, co_speakers=["jonas.weber@example.de"])
    co = proposal.speakers[1]
    response = client.post(f"/e/{event.slug}/speaker/{co.token}/proposals/{proposal.id}/confirm",
                           follow_redirects=True)
    assert "enter your name" in response.get_data(as_text=True)
    db.session.expire_all()
    assert proposal.speaker_links[1].confirmed_at is None
    client.post(f"/e/{event.slug}/speaker/{co.token}", data={
        "name": "Jonas Weber", "affiliation": "", "biography": "", "links": ""})
    client.post(f"/e/{event.slug}/speaker/{co.token}/proposals/{proposal.id}/confirm")
    db.session.expire_all()
    assert proposal.speaker_links[1].confirmed_at is not None
