"""Held decisions through the pages: the speaker sees nothing yet; release per selection."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import (
    DecisionKind,
    OutboxMessage,
    OutboxStatus,
    Proposal,
    ProposalState,
    Role,
    Session,
)
from conference.services.cfp import decisions


@pytest.fixture
def event(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    return event


@pytest.fixture
def organizer(app, make_user, login, event):
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, events=[event]))
    return client


def _accepted(event, make_proposal, **fields) -> Proposal:
    proposal = make_proposal(event, **fields)
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    db.session.commit()
    return proposal


def _held_ids(event) -> set[int]:
    db.session.expire_all()
    return decisions.held_proposal_ids(event)


def test_speaker_sees_under_review_and_cannot_confirm_while_held(client, event, make_proposal):
    proposal = _accepted(event, make_proposal, name="Hannah Müller")
    page = client.get(f"/e/{event.slug}/cfp/p/{proposal.token}").get_data(as_text=True)
    assert "Under review" in page and "I confirm" not in page and "Accepted" not in page
    speaker_page = client.get(f"/e/{event.slug}/speaker/{proposal.submitter.token}")
    assert "Under review" in speaker_page.get_data(as_text=True)

    response = client.post(f"/e/{event.slug}/cfp/p/{proposal.token}/confirm",
                           follow_redirects=True)
    assert response.status_code == 200
    assert "still under review" in response.get_data(as_text=True)
    db.session.expire_all()
    assert proposal.state is ProposalState.ACCEPTED
    assert db.session.scalar(db.select(db.func.count()).select_from(Session)) == 0
    assert "Hannah Müller" not in client.get(f"/e/{event.slug}/speakers").get_data(as_text=True)


def test_after_release_the_speaker_sees_accepted_and_confirms(client, organizer, event,
                                                              make_proposal):
    proposal = _accepted(event, make_proposal, name="Hannah Müller")
    organizer.post(f"/manage/{event.slug}/cfp/decisions/release",
                   data={"proposal_id": str(proposal.id)})
    page = client.get(f"/e/{event.slug}/cfp/p/{proposal.token}").get_data(as_text=True)
    assert "I confirm" in page
    client.post(f"/e/{event.slug}/cfp/p/{proposal.token}/confirm")
    db.session.expire_all()
    assert proposal.state is ProposalState.CONFIRMED
    assert "Hannah Müller" in client.get(f"/e/{event.slug}/speakers").get_data(as_text=True)


def test_organizer_releases_only_the_ticked_proposals(organizer, event, make_proposal):
    first, second, third = (_accepted(event, make_proposal) for _ in range(3))
    listing = organizer.get(f"/manage/{event.slug}/cfp/").get_data(as_text=True)
    assert listing.count("email held") == 3
    assert "Release the held decisions of the selected" in listing

    response = organizer.post(f"/manage/{event.slug}/cfp/decisions/release",
                              data={"proposal_id": [str(first.id), str(third.id)]},
                              follow_redirects=True)
    assert "2 emails released" in response.get_data(as_text=True)
    assert _held_ids(event) == {second.id}
    statuses = dict(db.session.execute(
        db.select(OutboxMessage.recipient, OutboxMessage.status)
        .where(OutboxMessage.kind == "cfp.accepted")).all())
    assert statuses == {first.submitter.email: OutboxStatus.PENDING,
                        second.submitter.email: OutboxStatus.HELD,
                        third.submitter.email: OutboxStatus.PENDING}


def test_release_from_the_proposal_page_returns_to_it(organizer, event, make_proposal):
    proposal = _accepted(event, make_proposal)
    url = f"/manage/{event.slug}/cfp/proposals/{proposal.id}"
    assert "Release this decision" in organizer.get(url).get_data(as_text=True)
    response = organizer.post(f"/manage/{event.slug}/cfp/decisions/release",
                              data={"proposal_id": str(proposal.id), "next": url})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert _held_ids(event) == set()
    assert "Release this decision" not in organizer.get(url).get_data(as_text=True)


@pytest.mark.parametrize("selection", [
    {}, {"proposal_id": "99999999999999999999"},
    {"proposal_id": "abc"}, {"proposal_id": "١٢"}, {"next": "https://evil.example/"},
])
def test_release_without_a_valid_selection_releases_nothing(organizer, event, make_proposal,
                                                             selection):
    proposal = _accepted(event, make_proposal)
    response = organizer.post(f"/manage/{event.slug}/cfp/decisions/release", data=selection)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/{event.slug}/cfp/")
    assert _held_ids(event) == {proposal.id}


def test_a_nul_byte_in_the_selection_is_refused_and_releases_nothing(organizer, event,
                                                                     make_proposal):
    proposal = _accepted(event, make_proposal)
    response = organizer.post(f"/manage/{event.slug}/cfp/decisions/release",
                              data={"proposal_id": f"{proposal.id}\x00"})
    assert response.status_code == 400
    assert _held_ids(event) == {proposal.id}


def test_release_needs_the_organizer_of_the_event(app, make_event, make_user, login, event,
                                                  make_proposal):
    proposal = _accepted(event, make_proposal)
    outsider = app.test_client()
    login(outsider, make_user(Role.ORGANIZER, events=[make_event()]))
    response = outsider.post(f"/manage/{event.slug}/cfp/decisions/release",
                             data={"proposal_id": str(proposal.id)})
    assert response.status_code in (403, 404)
    assert _held_ids(event) == {proposal.id}
