"""Reviewers' pages: anonymous mode, scoring, hidden reviews, the next-proposal button."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import Review, Role
from conference.services.cfp import reviews


@pytest.fixture
def reviewer_setup(app, client, make_event, make_cfp, make_user, login):
    event = make_event()
    make_cfp(event)
    reviewer = make_user(Role.REVIEWER, events=[event])
    reviews.assign_reviewer(event, reviewer)
    db.session.commit()
    login(client, reviewer)
    return client, event, reviewer


def _scores(event, value):
    return {f"criterion_{c.id}": str(value) for c in reviews.criteria_of(event)}


def test_anonymous_mode_hides_speaker_names_and_affiliations(reviewer_setup, make_proposal):
    client, event, _ = reviewer_setup
    settings = reviews.get_cfp_settings(event)
    settings.anonymous_review = True
    db.session.commit()
    proposal = make_proposal(event, name="Grzegorz Brzęczyszczykiewicz")
    for url in (f"/review/{event.slug}/", f"/review/{event.slug}/proposals/{proposal.id}"):
        html = client.get(url).get_data(as_text=True)
        assert proposal.title in html
        assert "Brzęczyszczykiewicz" not in html
        assert "Jagiellonian University" not in html


def test_without_anonymous_mode_reviewers_see_the_speakers(reviewer_setup, make_proposal):
    client, event, _ = reviewer_setup
    proposal = make_proposal(event, name="Grzegorz Brzęczyszczykiewicz")
    html = client.get(f"/review/{event.slug}/proposals/{proposal.id}").get_data(as_text=True)
    assert "Brzęczyszczykiewicz" in html


def test_reviewer_submits_scores_and_sees_others_only_afterwards(
        reviewer_setup, make_proposal, make_user):
    client, event, reviewer = reviewer_setup
    other = make_user(Role.REVIEWER, events=[event])
    reviews.assign_reviewer(event, other)
    proposal = make_proposal(event)
    scores = {c.id: 2 for c in reviews.criteria_of(event)}
    reviews.submit_review(proposal, other, scores, "Secret opinion of the other reviewer")
    db.session.commit()
    url = f"/review/{event.slug}/proposals/{proposal.id}"
    assert "Secret opinion" not in client.get(url).get_data(as_text=True)
    response = client.post(url, data={**_scores(event, 4), "comment": "Solid work"})
    assert response.status_code == 302
    assert "Secret opinion" in client.get(url).get_data(as_text=True)
    mine = db.session.execute(db.select(Review).filter_by(user_id=reviewer.id)).scalar_one()
    assert mine.overall == 4


def test_missing_score_is_a_form_error_and_saves_nothing(reviewer_setup, make_proposal):
    client, event, _ = reviewer_setup
    proposal = make_proposal(event)
    data = _scores(event, 3)
    data.pop(next(iter(data)))
    response = client.post(f"/review/{event.slug}/proposals/{proposal.id}", data=data)
    assert response.status_code == 422
    assert "Give a score from 1 to 5." in response.get_data(as_text=True)
    assert db.session.execute(db.select(Review)).first() is None


def test_out_of_range_score_is_refused(reviewer_setup, make_proposal):
    client, event, _ = reviewer_setup
    proposal = make_proposal(event)
    response = client.post(f"/review/{event.slug}/proposals/{proposal.id}",
                           data=_scores(event, 9))
    assert response.status_code == 422
    assert db.session.execute(db.select(Review)).first() is None


def test_next_button_opens_the_proposal_with_fewest_reviews(reviewer_setup, make_proposal,
                                                            make_user):
    client, event, _ = reviewer_setup
    other = make_user(Role.REVIEWER, events=[event])
    reviews.assign_reviewer(event, other)
    busy, quiet = make_proposal(event), make_proposal(event)
    reviews.submit_review(busy, other, {c.id: 3 for c in reviews.criteria_of(event)})
    db.session.commit()
    response = client.get(f"/review/{event.slug}/next")
    assert response.headers["Location"].endswith(f"/proposals/{quiet.id}")


def test_proposal_outside_the_reviewers_track_gives_404(app, client, make_event, make_cfp,
                                                        make_user, make_proposal, login):
    from conference.models import Track

    event = make_event()
    make_cfp(event)
    biotech, medtech = db.session.execute(
        db.select(Track).filter_by(event_id=event.id).order_by(Track.name)).scalars().all()
    reviewer = make_user(Role.REVIEWER, events=[event])
    reviews.assign_reviewer(event, reviewer, biotech)
    db.session.commit()
    proposal = make_proposal(event, track=medtech)
    login(client, reviewer)
    assert client.get(f"/review/{event.slug}/proposals/{proposal.id}").status_code == 404
