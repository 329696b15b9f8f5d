"""Organizers edit proposals and hide or show speakers, through the back office."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conference.extensions import db
from conference.models import DecisionKind, Proposal, Role, SessionType, Speaker
from conference.models.types import utcnow
from conference.services.cfp import decisions
from conference.services.cfp import settings as cfp_settings
from tests.fixtures.agenda import local


@pytest.fixture
def cfp_event(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    return event


@pytest.fixture
def organizer(app, client, cfp_event, make_user, login):
    login(client, make_user(Role.ORGANIZER, events=[cfp_event]))
    return client


def _speaker(speaker_id: int) -> Speaker:
    db.session.expire_all()
    return db.session.get(Speaker, speaker_id)


# --- Hiding and showing speakers ---------------------------------------------------------

def test_organizer_hides_a_speaker_from_the_list_and_sees_them_marked(
        organizer, cfp_event, make_speaker):
    speaker = make_speaker(cfp_event, name="Klementyna Zawisza", is_invited=True)
    base = f"/manage/{cfp_event.slug}/cfp/speakers"
    response = organizer.post(f"{base}/{speaker.id}/hide?next={base}")
    assert response.status_code == 302 and response.headers["Location"] == base
    assert _speaker(speaker.id).is_public is False
    page = organizer.get(base).get_data(as_text=True)
    assert "Klementyna Zawisza" in page and '<span class="status">hidden</span>' in page
    assert f"{base}/{speaker.id}/show" in page
    assert "Klementyna Zawisza" not in organizer.get(
        f"/e/{cfp_event.slug}/speakers").get_data(as_text=True)


def test_organizer_shows_a_hidden_speaker_again(organizer, cfp_event, make_speaker):
    speaker = make_speaker(cfp_event, name="Klementyna Zawisza", is_invited=True,
                           is_public=False)
    response = organizer.post(f"/manage/{cfp_event.slug}/cfp/speakers/{speaker.id}/show")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/{cfp_event.slug}/cfp/speakers"
    assert _speaker(speaker.id).is_public is True
    assert "Klementyna Zawisza" in organizer.get(
        f"/e/{cfp_event.slug}/speakers").get_data(as_text=True)


def test_the_proposal_page_offers_to_hide_its_speakers(organizer, cfp_event, make_proposal):
    proposal = make_proposal(cfp_event)
    page = organizer.get(
        f"/manage/{cfp_event.slug}/cfp/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/cfp/speakers/{proposal.submitter.id}/hide?next=" in page


def test_hiding_returns_to_no_other_site(organizer, cfp_event, make_speaker):
    speaker = make_speaker(cfp_event)
    response = organizer.post(
        f"/manage/{cfp_event.slug}/cfp/speakers/{speaker.id}/hide?next=//evil.example/")
    assert response.headers["Location"] == f"/manage/{cfp_event.slug}/cfp/speakers"


@pytest.mark.parametrize("action", ["hide", "show"])
def test_a_speaker_of_another_event_or_a_huge_id_is_404(organizer, cfp_event, make_event,
                                                         make_speaker, action):
    foreign = make_speaker(make_event())
    for speaker_id in (foreign.id, 2**31, 10**12):
        response = organizer.post(
            f"/manage/{cfp_event.slug}/cfp/speakers/{speaker_id}/{action}")
        assert response.status_code == 404, speaker_id
    assert _speaker(foreign.id).is_public is True


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.DOOR, "other organizer"])
def test_only_the_events_organizers_may_hide_a_speaker(app, cfp_event, make_event, make_user,
                                                       make_speaker, login, role):
    speaker = make_speaker(cfp_event)
    user = (make_user(Role.ORGANIZER, events=[make_event()]) if role == "other organizer"
            else make_user(role, events=[cfp_event]))
    client = app.test_client()
    login(client, user)
    response = client.post(f"/manage/{cfp_event.slug}/cfp/speakers/{speaker.id}/hide")
    assert response.status_code == 403
    assert _speaker(speaker.id).is_public is True


def test_hidden_speakers_are_marked_in_the_programme_back_office(
        organizer, cfp_event, make_speaker, make_session):
    hidden = make_speaker(cfp_event, name="Klementyna Zawisza", is_public=False)
    make_session(cfp_event, title="Tardigrades", speakers=[hidden])
    for path in ("", "speakers", f"grid?day={cfp_event.starts_on.isoformat()}"):
        page = organizer.get(f"/manage/{cfp_event.slug}/programme/{path}").get_data(as_text=True)
        assert 'Klementyna Zawisza <span class="status">hidden</span>' in page, path


# --- Editing proposals ----------------------------------------------------------------------

def _edit_url(event, proposal_id) -> str:
    return f"/manage/{event.slug}/cfp/proposals/{proposal_id}/edit"


def _form(proposal, **changes) -> dict:
    data = {"title": proposal.title, "abstract": proposal.abstract,
            "session_type": proposal.session_type.value, "track": str(proposal.track_id),
            "duration": str(proposal.duration_minutes), "language": proposal.language,
            "notes": proposal.notes}
    data.update(changes)
    return data


def _proposal(proposal_id: int) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id)


def test_the_proposal_page_has_the_edit_form_prefilled(organizer, cfp_event, make_proposal):
    proposal = make_proposal(cfp_event, title="Tardigrades in space",
                             session_type=SessionType.WORKSHOP, duration_minutes=90)
    page = organizer.get(
        f"/manage/{cfp_event.slug}/cfp/proposals/{proposal.id}").get_data(as_text=True)
    assert f'action="{_edit_url(cfp_event, proposal.id)}"' in page
    assert 'value="Tardigrades in space"' in page and 'value="90"' in page
    assert '<option selected value="workshop">' in page
    assert 'name="co_speakers"' not in page  # inviting co-speakers stays the speaker's


def test_organizer_edits_a_proposal_after_the_call_closed(organizer, cfp_event, make_proposal):
    proposal = make_proposal(cfp_event)
    settings = cfp_settings.get_cfp_settings(cfp_event)
    settings.closes_at = utcnow() - dt.timedelta(days=1)
    db.session.commit()
    response = organizer.post(_edit_url(cfp_event, proposal.id), data=_form(
        proposal, title="Tardigrades in orbit", abstract="They *thrive*.", language="pl"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/{cfp_event.slug}/cfp/proposals/{proposal.id}"
    edited = _proposal(proposal.id)
    assert (edited.title, edited.abstract, edited.language) == (
        "Tardigrades in orbit", "They *thrive*.", "pl")
    page = organizer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Proposal saved." in page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": ""}, "title", "This field is required."),
    ({"duration": "481"}, "duration", "Number must be between 5 and 480."),
    ({"duration": "ten"}, "duration", "This field is required."),
    ({"session_type": "keynote"}, "session_type", "Not a valid choice."),
    ({"track": "999999"}, "track", "Not a valid choice."),
    ({"track": ""}, "track", "Choose a track."),  # refused by the service, not the form
])
def test_bad_input_shows_the_form_again_with_its_error_and_saves_nothing(
        organizer, cfp_event, make_proposal, changes, field, message):
    proposal = make_proposal(cfp_event, title="Original title")
    response = organizer.post(_edit_url(cfp_event, proposal.id),
                              data=_form(proposal, abstract="Changed", **changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = re.search(rf'<ul class="errors" id="{field}-error">(.*?)</ul>', page, re.S)
    assert errors and message in errors.group(1)
    assert '<details class="edit-proposal" open>' in page
    assert _proposal(proposal.id).title == "Original title"
    assert _proposal(proposal.id).abstract != "Changed"


def test_the_programme_session_follows_the_new_title(organizer, cfp_event, make_proposal):
    proposal = make_proposal(cfp_event, title="Tardigrades in space")
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(cfp_event, [proposal])
    session = decisions.confirm_participation(proposal)
    session.starts_at = local(cfp_event.starts_on, "10:00")
    session.ends_at = local(cfp_event.starts_on, "10:20")
    db.session.commit()
    page = organizer.get(
        f"/manage/{cfp_event.slug}/cfp/proposals/{proposal.id}").get_data(as_text=True)
    assert "This proposal is a session of the programme" in page

    response = organizer.post(_edit_url(cfp_event, proposal.id),
                              data=_form(proposal, title="Tardigrades in orbit"),
                              follow_redirects=True)
    assert "its session in the programme shows the changes too" in response.get_data(
        as_text=True)
    public = organizer.get(f"/e/{cfp_event.slug}/programme/{session.id}").get_data(as_text=True)
    assert "Tardigrades in orbit" in public and "Tardigrades in space" not in public


def test_a_proposal_of_another_event_or_a_huge_id_is_404(organizer, cfp_event, make_event,
                                                         make_cfp, make_proposal):
    other = make_event()
    make_cfp(other)
    foreign = make_proposal(other, title="Not yours")
    for proposal_id in (foreign.id, 2**31, 10**12):
        response = organizer.post(_edit_url(cfp_event, proposal_id),
                                  data=_form(foreign, title="Taken over"))
        assert response.status_code == 404, proposal_id
        assert organizer.get(
            f"/manage/{cfp_event.slug}/cfp/proposals/{proposal_id}").status_code == 404
    assert _proposal(foreign.id).title == "Not yours"


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.DOOR, "other organizer"])
def test_only_the_events_organizers_may_edit_a_proposal(app, cfp_event, make_event, make_user,
                                                        make_proposal, login, role):
    proposal = make_proposal(cfp_event, title="Original title")
    user = (make_user(Role.ORGANIZER, events=[make_event()]) if role == "other organizer"
            else make_user(role, events=[cfp_event]))
    client = app.test_client()
    login(client, user)
    response = client.post(_edit_url(cfp_event, proposal.id),
                           data=_form(proposal, title="Changed"))
    assert response.status_code == 403
    assert _proposal(proposal.id).title == "Original title"


def test_visitors_are_sent_to_the_login_page(app, cfp_event, make_proposal):
    proposal = make_proposal(cfp_event, title="Original title")
    response = app.test_client().post(_edit_url(cfp_event, proposal.id),
                                      data=_form(proposal, title="Changed"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _proposal(proposal.id).title == "Original title"
