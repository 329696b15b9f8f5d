"""The whole path through the pages: submit, review, decide, release, confirm, appear."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from conference.extensions import db
from conference.models import BadgeRole, Proposal, Registration, Role, Session
from conference.services.cfp import reviews
from conference.services.cfp.settings import offered_tracks
from conference.services.messaging.outbox import deliver_pending


@pytest.mark.pdf
def test_proposal_goes_from_form_to_speakers_page_and_speaker_badge(
        app, make_event, make_cfp, make_user, login, smtp_server):
    event = make_event()
    make_cfp(event)
    reviewer = make_user(Role.REVIEWER, events=[event])
    organizer = make_user(Role.ORGANIZER, events=[event])
    reviews.assign_reviewer(event, reviewer)
    db.session.commit()
    track = offered_tracks(event)[0]

    speaker_client = app.test_client()
    response = speaker_client.post(f"/e/{event.slug}/cfp", data={
        "title": "Bacteriophages against hospital superbugs", "abstract": "Phages **work**.",
        "session_type": "talk", "track": str(track.id), "duration": "20", "language": "en",
        "name": "Carmen Núñez", "email": "carmen@example.es", "affiliation": "Biocat"})
    assert response.status_code == 302
    deliver_pending()
    ack = smtp_server.to("carmen@example.es")[0]
    text = ack.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://localhost(/e/\S+/cfp/p/\S+)", text).group(1)

    reviewer_client = app.test_client()
    login(reviewer_client, reviewer)
    proposal_url = reviewer_client.get(f"/review/{event.slug}/next").headers["Location"]
    scores = {f"criterion_{c.id}": "5" for c in reviews.criteria_of(event)}
    assert reviewer_client.post(proposal_url, data=scores).status_code == 302

    organizer_client = app.test_client()
    login(organizer_client, organizer)
    proposal = db.session.execute(db.select(Proposal)).scalar_one()
    organizer_client.post(f"/manage/{event.slug}/cfp/decide",
                          data={"decision": "accepted", "proposal_id": str(proposal.id)})
    deliver_pending()
    assert len(smtp_server.to("carmen@example.es")) == 1  # the decision is held
    organizer_client.post(f"/manage/{event.slug}/cfp/outbox/release")
    deliver_pending()
    decision = smtp_server.to("carmen@example.es")[1]
    assert "accepted" in decision["Subject"]

    page = speaker_client.get(link).get_data(as_text=True)
    assert "I confirm" in page
    speaker_client.post(link + "/confirm")

    db.session.expire_all()
    session = db.session.execute(db.select(Session)).scalar_one()
    assert session.starts_at is None and [s.name for s in session.speakers] == ["Carmen Núñez"]
    assert "Carmen Núñez" in speaker_client.get(f"/e/{event.slug}/speakers").get_data(
        as_text=True)
    registration = db.session.execute(db.select(Registration)).scalar_one()
    assert registration.badge_role is BadgeRole.SPEAKER

    # The confirmed speaker downloads a badge marked Speaker through their registration link.
    badge = speaker_client.get(f"/e/{event.slug}/r/{registration.token}/badge.pdf")
    assert badge.status_code == 200 and badge.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(badge.data)).pages)
    assert "Carmen Núñez" in text.replace("\n", " ")
    assert "speaker" in text.lower()
