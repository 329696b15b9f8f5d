"""Organizers edit proposals and hide or show speakers, through the back office."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import Role, Speaker


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
