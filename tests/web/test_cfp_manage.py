"""Organizers' call-for-proposals pages: settings, reviewers, list, decisions, held emails."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import (
    CfpSettings,
    DecisionTemplate,
    OutboxMessage,
    OutboxStatus,
    ProposalState,
    ReviewerAssignment,
    Role,
    SessionType,
    Speaker,
    Track,
)
from conference.services.cfp import reviews


@pytest.fixture
def organizer_client(app, client, make_event, make_user, login):
    event = make_event()
    organizer = make_user(Role.ORGANIZER, events=[event])
    login(client, organizer)
    return client, event


def _review(event, proposal, user, *values):
    scores = {c.id: v for c, v in zip(reviews.criteria_of(event), values, strict=True)}
    reviews.submit_review(proposal, user, scores)


def test_settings_are_entered_in_event_time(organizer_client):
    client, event = organizer_client
    track = Track(event_id=event.id, name="Digital health")
    db.session.add(track)
    db.session.commit()
    response = client.post(f"/manage/{event.slug}/cfp/settings", data={
        "opens_at": "2026-03-01T10:00", "closes_at": "2026-04-01T23:59",
        "durations-talk": "25", "durations-workshop": "90", "tracks": [str(track.id)],
        "guidelines": "Be *brief*.", "hide_reviews_until_own": "y",
    })
    assert response.status_code == 302
    settings = db.session.execute(db.select(CfpSettings)).scalar_one()
    assert settings.opens_at == dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)  # CET = UTC+1
    from conference.services.cfp.settings import offered_session_types, offered_tracks
    assert {(r.session_type, r.default_minutes) for r in offered_session_types(event)} == {
        (SessionType.TALK, 25), (SessionType.WORKSHOP, 90)}
    assert offered_tracks(event) == [track]


def test_settings_closing_before_opening_show_an_error(organizer_client):
    client, event = organizer_client
    response = client.post(f"/manage/{event.slug}/cfp/settings", data={
        "opens_at": "2026-03-01T10:00", "closes_at": "2026-02-01T10:00", "durations-talk": "20"})
    assert response.status_code == 422
    assert "must close after it opens" in response.get_data(as_text=True)
    assert db.session.execute(db.select(CfpSettings)).first() is None


def test_assign_reviewer_for_a_track(organizer_client, make_user, make_cfp):
    client, event = organizer_client
    make_cfp(event)
    reviewer = make_user(Role.REVIEWER, events=[event])
    track = db.session.execute(db.select(Track).filter_by(name="Medtech")).scalar_one()
    client.post(f"/manage/{event.slug}/cfp/reviewers",
                data={"reviewer": str(reviewer.id), "track": str(track.id)})
    assignment = db.session.execute(db.select(ReviewerAssignment)).scalar_one()
    assert (assignment.user_id, assignment.track_id) == (reviewer.id, track.id)


def test_criteria_are_added_by_organizers(organizer_client):
    client, event = organizer_client
    client.post(f"/manage/{event.slug}/cfp/criteria", data={"name": "Novelty"})
    assert [c.name for c in reviews.criteria_of(event)] == ["Novelty"]


def test_list_shows_mean_median_and_filters_by_state(organizer_client, make_cfp, make_proposal,
                                                     make_user):
    client, event = organizer_client
    make_cfp(event)
    good = make_proposal(event, title="Good one")
    make_proposal(event, title="Unreviewed one")
    for values in ((5, 4), (3, 3), (4, 4)):
        user = make_user(Role.REVIEWER, events=[event])
        reviews.assign_reviewer(event, user)
        _review(event, good, user, *values)
    db.session.commit()
    html = client.get(f"/manage/{event.slug}/cfp/?sort=mean&order=desc").get_data(as_text=True)
    assert html.index("Good one") < html.index("Unreviewed one")
    assert "3.83" in html and "4.00" in html  # mean of 4.5, 3, 4; median 4
    html = client.get(f"/manage/{event.slug}/cfp/?state=under_review").get_data(as_text=True)
    assert "Good one" in html and "Unreviewed one" not in html


def test_list_filters_by_track_and_type(organizer_client, make_cfp, make_proposal):
    client, event = organizer_client
    make_cfp(event)
    medtech = db.session.execute(db.select(Track).filter_by(name="Medtech")).scalar_one()
    make_proposal(event, title="Talk in biotech")
    make_proposal(event, title="Workshop in medtech", track=medtech,
                  session_type=SessionType.WORKSHOP)
    html = client.get(f"/manage/{event.slug}/cfp/?track={medtech.id}").get_data(as_text=True)
    assert "Workshop in medtech" in html and "Talk in biotech" not in html
    html = client.get(f"/manage/{event.slug}/cfp/?type=talk").get_data(as_text=True)
    assert "Talk in biotech" in html and "Workshop in medtech" not in html


def test_bulk_decision_holds_emails_until_released(organizer_client, make_cfp, make_proposal):
    client, event = organizer_client
    make_cfp(event)
    first, second, third = (make_proposal(event) for _ in range(3))
    client.post(f"/manage/{event.slug}/cfp/decide", data={
        "decision": "accepted", "proposal_id": [str(first.id), str(second.id)]})
    client.post(f"/manage/{event.slug}/cfp/decide", data={
        "decision": "rejected", "proposal_id": [str(third.id)]})
    db.session.expire_all()
    assert [p.state for p in (first, second, third)] == [
        ProposalState.ACCEPTED, ProposalState.ACCEPTED, ProposalState.REJECTED]
    held = db.session.execute(db.select(OutboxMessage).filter_by(
        status=OutboxStatus.HELD)).scalars().all()
    assert len(held) == 3
    html = client.get(f"/manage/{event.slug}/cfp/outbox").get_data(as_text=True)
    assert first.submitter.email in html
    client.post(f"/manage/{event.slug}/cfp/outbox/release")
    db.session.expire_all()
    assert {m.status for m in held} == {OutboxStatus.PENDING}


def test_decision_without_selection_gives_a_message(organizer_client, make_cfp):
    client, event = organizer_client
    make_cfp(event)
    response = client.post(f"/manage/{event.slug}/cfp/decide", data={"decision": "accepted"},
                           follow_redirects=True)
    assert "Select at least one proposal." in response.get_data(as_text=True)


def test_template_with_unknown_placeholder_is_not_saved(organizer_client):
    client, event = organizer_client
    response = client.post(f"/manage/{event.slug}/cfp/templates/accepted",
                           data={"subject": "Hi {title}", "body": "Dear {name.__class__}"})
    assert "Unknown placeholder" in response.get_data(as_text=True)
    assert db.session.execute(db.select(DecisionTemplate)).first() is None
    client.post(f"/manage/{event.slug}/cfp/templates/accepted",
                data={"subject": "Hi {title}", "body": "Dear {speaker_name}, {link}"})
    assert db.session.execute(db.select(DecisionTemplate)).scalar_one().subject == "Hi {title}"


def test_organizer_adds_an_invited_speaker(organizer_client):
    client, event = organizer_client
    client.post(f"/manage/{event.slug}/cfp/speakers", data={
        "name": "Prof. Sophie Moreau", "email": "sophie@pasteur.example",
        "affiliation": "Institut Pasteur", "biography": "", "links": ""})
    speaker = db.session.execute(db.select(Speaker)).scalar_one()
    assert speaker.is_invited
    assert "Prof. Sophie Moreau" in client.get(f"/e/{event.slug}/speakers").get_data(as_text=True)


def test_removing_a_criterion_removes_its_scores_and_pages_still_work(
        organizer_client, make_cfp, make_proposal, make_user):
    client, event = organizer_client
    make_cfp(event)
    proposal = make_proposal(event)
    reviewer = make_user(Role.REVIEWER, events=[event])
    reviews.assign_reviewer(event, reviewer)
    _review(event, proposal, reviewer, 5, 1)
    db.session.commit()
    first = reviews.criteria_of(event)[0]
    client.post(f"/manage/{event.slug}/cfp/criteria/{first.id}/delete")
    db.session.expire_all()
    assert [s.score for s in proposal.reviews[0].scores] == [1]
    page = client.get(f"/manage/{event.slug}/cfp/proposals/{proposal.id}")
    assert page.status_code == 200
