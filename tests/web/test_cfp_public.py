"""The public call for proposals, the private proposal and speaker pages, speakers pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from conference.extensions import db
from conference.models import (
    DecisionKind,
    OutboxMessage,
    Proposal,
    ProposalState,
    Speaker,
    SpeakerUnavailability,
)
from conference.services.cfp import decisions
from conference.services.cfp import settings as cfp_settings
from tests.fixtures.cfp import image_bytes


@pytest.fixture
def event(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    return event


def _form(event, **overrides) -> dict:
    track = cfp_settings.offered_tracks(event)[0]
    data = {
        "title": "Organ-on-chip models of the blood-brain barrier",
        "abstract": "We *grow* barriers.",
        "session_type": "talk", "track": str(track.id), "duration": "20", "language": "en",
        "notes": "", "co_speakers": "", "name": "Łukasz Wójcik", "email": "lukasz@example.org",
        "affiliation": "Ryvu Therapeutics", "biography": "Cell biologist.",
        "links": "https://example.org",
    }
    data.update(overrides)
    return data


def _count(model) -> int:
    db.session.expire_all()
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_form_shows_guidelines_as_markdown(client, event):
    html = client.get(f"/e/{event.slug}/cfp").get_data(as_text=True)
    assert "<strong>be concise</strong>" in html
    assert 'name="abstract"' in html


def test_submission_with_photo_saves_and_opens_private_page(client, event):
    data = _form(event, photo=(io.BytesIO(image_bytes("JPEG")), "me.jpg"))
    response = client.post(f"/e/{event.slug}/cfp", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    proposal = db.session.execute(db.select(Proposal)).scalar_one()
    assert response.headers["Location"].endswith(f"/cfp/p/{proposal.token}")
    assert proposal.submitter.photo_filename
    ack = db.session.execute(db.select(OutboxMessage).filter_by(kind="cfp.received")).scalar_one()
    assert ack.recipient == "lukasz@example.org"


def test_script_in_abstract_is_rendered_sanitised(client, event):
    abstract = "<script>alert(1)</script> **bold** [x](javascript:alert(2))"
    client.post(f"/e/{event.slug}/cfp", data=_form(event, abstract=abstract))
    proposal = db.session.execute(db.select(Proposal)).scalar_one()
    html = client.get(f"/e/{event.slug}/cfp/p/{proposal.token}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert 'href="javascript' not in html
    assert "<strong>bold</strong>" in html


@pytest.mark.parametrize("upload", [
    pytest.param(b"just some text, not a picture" * 20, id="text-renamed-jpg"),
    pytest.param(image_bytes("PNG", size=(300, 300))[:400], id="truncated-png"),
    pytest.param(image_bytes("PNG", size=(200, 200)) + b"\0" * 3000, id="oversized"),
])
def test_bad_photo_gives_a_message_and_saves_nothing(client, event, upload, monkeypatch):
    # A small limit keeps the request small (the real one is 5 MB, tested in the service).
    monkeypatch.setattr("conference.services.cfp.photos.MAX_PHOTO_BYTES", 2000)
    monkeypatch.setattr("conference.cfp.routes.MAX_PHOTO_BYTES", 2000)
    data = _form(event, photo=(io.BytesIO(upload), "me.jpg"))
    response = client.post(f"/e/{event.slug}/cfp", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "5 MB" in html or "image we can read" in html
    assert _count(Proposal) == 0 and _count(Speaker) == 0 and _count(OutboxMessage) == 0


def test_decompression_bomb_photo_is_refused(client, event):
    from tests.services.test_photos import _png_header_only

    data = _form(event, photo=(io.BytesIO(_png_header_only(20000, 20000)), "bomb.png"))
    response = client.post(f"/e/{event.slug}/cfp", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "too many pixels" in response.get_data(as_text=True)
    assert _count(Proposal) == 0


def test_submission_after_deadline_is_refused_clearly(client, make_event, make_cfp):
    event = make_event()
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    make_cfp(event, opens_at=past - dt.timedelta(days=30), closes_at=past)
    assert "not open" in client.get(f"/e/{event.slug}/cfp").get_data(as_text=True)
    response = client.post(f"/e/{event.slug}/cfp", data=_form(event))
    assert response.status_code == 409
    assert "was not saved" in response.get_data(as_text=True)
    assert _count(Proposal) == 0 and _count(Speaker) == 0


def test_submitter_edits_through_private_link(client, event, make_proposal):
    proposal = make_proposal(event)
    response = client.post(f"/e/{event.slug}/cfp/p/{proposal.token}",
                           data=_form(event, title="A better title", co_speakers="x@example.org"))
    assert response.status_code == 302
    db.session.expire_all()
    assert proposal.title == "A better title"
    assert [s.email for s in proposal.speakers][1] == "x@example.org"


def test_forged_or_foreign_token_gives_404(client, event, make_event, make_cfp, make_proposal):
    proposal = make_proposal(event)
    other = make_event()
    make_cfp(other)
    other_proposal = make_proposal(other)
    assert client.get(f"/e/{event.slug}/cfp/p/{'x' * 32}").status_code == 404
    # Another proposal's token with this event's address: not found, nothing changed.
    response = client.post(f"/e/{event.slug}/cfp/p/{other_proposal.token}",
                           data=_form(event, title="Hijacked"))
    assert response.status_code == 404
    assert client.post(f"/e/{event.slug}/cfp/p/{other_proposal.token}/withdraw").status_code == 404
    assert client.get(f"/e/{event.slug}/speaker/{other_proposal.submitter.token}"
                      ).status_code == 404
    db.session.expire_all()
    assert other_proposal.title != "Hijacked" and proposal.title != "Hijacked"
    assert other_proposal.state is ProposalState.SUBMITTED


def test_withdraw_through_private_link(client, event, make_proposal):
    proposal = make_proposal(event)
    client.post(f"/e/{event.slug}/cfp/p/{proposal.token}/withdraw")
    db.session.expire_all()
    assert proposal.state is ProposalState.WITHDRAWN


def test_editing_after_deadline_saves_nothing(client, event, make_proposal):
    proposal = make_proposal(event)
    settings = cfp_settings.get_cfp_settings(event)
    settings.closes_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/e/{event.slug}/cfp/p/{proposal.token}",
                           data=_form(event, title="Late"), follow_redirects=True)
    assert "can no longer be changed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert proposal.title != "Late"


def test_accepted_speaker_confirms_and_appears_on_speakers_page(client, event, make_proposal):
    proposal = make_proposal(event, name="Hannah Müller")
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event, [proposal])
    db.session.commit()
    speaker_id = proposal.submitter.id
    assert client.get(f"/e/{event.slug}/speakers/{speaker_id}").status_code == 404
    page = client.get(f"/e/{event.slug}/cfp/p/{proposal.token}").get_data(as_text=True)
    assert "I confirm" in page
    client.post(f"/e/{event.slug}/cfp/p/{proposal.token}/confirm")
    db.session.expire_all()
    assert proposal.state is ProposalState.CONFIRMED and proposal.session is not None
    assert "Hannah Müller" in client.get(f"/e/{event.slug}/speakers").get_data(as_text=True)
    profile = client.get(f"/e/{event.slug}/speakers/{speaker_id}").get_data(as_text=True)
    assert proposal.title in profile


def test_decline_through_private_link(client, event, make_proposal):
    proposal = make_proposal(event)
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event, [proposal])
    db.session.commit()
    client.post(f"/e/{event.slug}/cfp/p/{proposal.token}/decline")
    db.session.expire_all()
    assert proposal.state is ProposalState.DECLINED


def test_speaker_updates_profile_photo_and_it_is_served(client, event, make_proposal):
    proposal = make_proposal(event)
    speaker = proposal.submitter
    speaker.is_invited = True
    db.session.commit()
    response = client.post(
        f"/e/{event.slug}/speaker/{speaker.token}",
        data={"name": "Dr Maria S.", "affiliation": "UJ", "biography": "", "links": "",
              "photo": (io.BytesIO(image_bytes("PNG", size=(1600, 1200))), "p.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    photo = client.get(f"/e/{event.slug}/speakers/{speaker.id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert photo.data[:3] == b"\xff\xd8\xff"


def test_speaker_declares_unavailability_in_event_time(client, event, make_proposal):
    speaker = make_proposal(event).submitter
    client.post(f"/e/{event.slug}/speaker/{speaker.token}/unavailability",
                data={"starts_at": "2026-05-12T09:00", "ends_at": "2026-05-12T11:00",
                      "note": "teaching"})
    span = db.session.execute(db.select(SpeakerUnavailability)).scalar_one()
    assert span.starts_at == dt.datetime(2026, 5, 12, 7, 0, tzinfo=dt.UTC)  # CEST = UTC+2
    response = client.post(f"/e/{event.slug}/speaker/{speaker.token}/unavailability",
                           data={"starts_at": "2026-05-12T11:00", "ends_at": "2026-05-12T09:00"},
                           follow_redirects=True)
    assert "The end must be after the start." in response.get_data(as_text=True)
    assert _count(SpeakerUnavailability) == 1


def test_co_speaker_confirms_on_their_page(client, event, make_proposal):
    proposal = make_proposal(event, co_speakers=["jonas@example.de"])
    co = proposal.speakers[1]
    co.name = "Jonas Weber"
    db.session.commit()
    client.post(f"/e/{event.slug}/speaker/{co.token}/proposals/{proposal.id}/confirm")
    db.session.expire_all()
    assert proposal.speaker_links[1].confirmed_at is not None


def test_fake_photo_on_profile_page_keeps_the_old_profile(client, event, make_proposal):
    speaker = make_proposal(event).submitter
    response = client.post(
        f"/e/{event.slug}/speaker/{speaker.token}",
        data={"name": "Changed Name", "affiliation": "", "biography": "", "links": "",
              "photo": (io.BytesIO(b"%PDF-1.4 not an image"), "me.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "image we can read" in response.get_data(as_text=True)
    db.session.expire_all()
    assert speaker.name == "Maria Skłodowska" and speaker.photo_filename is None
