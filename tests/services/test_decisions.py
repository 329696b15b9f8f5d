"""Decisions, held emails from editable templates, confirmation into sessions and badges."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import (
    BadgeRole,
    DecisionKind,
    OutboxMessage,
    OutboxStatus,
    ProposalState,
    Registration,
    RegistrationState,
)
from conference.services.cfp import decisions
from conference.services.cfp.proposals import confirm_co_speaking
from conference.services.messaging.outbox import deliver_pending


def _messages(kind=None):
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.filter_by(kind=kind)
    return db.session.execute(query).scalars().all()


@pytest.fixture
def event(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    return event


def test_accepting_queues_held_emails_to_every_speaker(event, make_proposal):
    proposal = make_proposal(event, co_speakers=["jonas@example.de"])
    decided, skipped = decisions.decide([proposal], DecisionKind.ACCEPTED)
    db.session.commit()
    assert (decided, skipped) == (1, 0)
    assert proposal.state is ProposalState.ACCEPTED
    held = _messages("cfp.accepted")
    assert sorted(m.recipient for m in held) == sorted(s.email for s in proposal.speakers)
    assert all(m.status is OutboxStatus.HELD for m in held)
    assert proposal.token in held[0].body_text


def test_bulk_decision_skips_decided_and_withdrawn(event, make_proposal):
    first, second, third = (make_proposal(event) for _ in range(3))
    decisions.decide([first], DecisionKind.REJECTED)
    third.state = ProposalState.WITHDRAWN
    assert decisions.decide([first, second, third], DecisionKind.ACCEPTED) == (1, 2)
    assert first.state is ProposalState.REJECTED
    assert second.state is ProposalState.ACCEPTED


def test_held_emails_are_not_sent_until_released(event, make_proposal, smtp_server):
    proposal = make_proposal(event)
    decisions.decide([proposal], DecisionKind.REJECTED)
    db.session.commit()
    deliver_pending()
    sent = smtp_server.to(proposal.submitter.email)
    assert [m["Subject"] for m in sent] == [f"{event.name}: We received your proposal"]
    assert decisions.release_decision_emails(event) == 1
    db.session.commit()
    deliver_pending()
    subjects = [m["Subject"] for m in smtp_server.to(proposal.submitter.email)]
    assert f"{event.name}: Your proposal: {proposal.title}" in subjects


def test_edited_template_fills_placeholders_and_escapes_html(event, make_proposal):
    decisions.save_template(event, DecisionKind.ACCEPTED, "Yes: {title}",
                            "Hi {speaker_name}, {event} says yes. {link} {unknown_not_here")
    proposal = make_proposal(event, name="Eve O'Brien", title="Tumour <script>x</script>")
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    message = _messages("cfp.accepted")[0]
    assert message.subject == f"{event.name}: Yes: Tumour <script>x</script>"
    assert "Hi Eve O'Brien," in message.body_text
    assert "<script>" not in message.body_html and "Eve O&#39;Brien" in message.body_html
    assert event.name in message.body_text


def test_template_with_unknown_placeholder_is_refused(event):
    with pytest.raises(decisions.TemplateInvalid):
        decisions.save_template(event, DecisionKind.REJECTED, "{title}", "{speaker_name.__class__}")
    with pytest.raises(decisions.TemplateInvalid):
        decisions.save_template(event, DecisionKind.REJECTED, "{title}", "{password}")


def test_fill_placeholders_never_reaches_attributes():
    assert decisions.fill_placeholders("{a.__class__} {a}", {"a": "x"}) == "{a.__class__} x"


def test_confirmation_makes_an_unscheduled_session_with_confirmed_speakers(event, make_proposal):
    proposal = make_proposal(event, co_speakers=["jonas@example.de", "lena@example.de"])
    jonas = proposal.speakers[1]
    jonas.name = "Jonas Weber"
    confirm_co_speaking(jonas, proposal)
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event, [proposal])
    session = decisions.confirm_participation(proposal)
    db.session.commit()
    assert proposal.state is ProposalState.CONFIRMED
    assert session.starts_at is None and session.ends_at is None and session.room is None
    assert session.title == proposal.title and session.track_id == proposal.track_id
    assert {s.email for s in session.speakers} == {proposal.submitter.email, jonas.email}


def test_only_accepted_proposals_can_be_confirmed(event, make_proposal):
    proposal = make_proposal(event)
    with pytest.raises(decisions.NotAccepted):
        decisions.confirm_participation(proposal)
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event, [proposal])
    decisions.decline_participation(proposal)
    assert proposal.state is ProposalState.DECLINED
    with pytest.raises(decisions.NotAccepted):
        decisions.confirm_participation(proposal)


def test_confirmed_speaker_gets_a_speaker_registration_outside_capacity(event, make_proposal):
    proposal = make_proposal(event)
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event, [proposal])
    decisions.confirm_participation(proposal)
    db.session.commit()
    registration = db.session.execute(
        db.select(Registration).filter_by(email=proposal.submitter.email)).scalar_one()
    assert registration.state is RegistrationState.CONFIRMED
    assert registration.badge_role is BadgeRole.SPEAKER
    ticket_type = registration.ticket_type
    assert not ticket_type.is_public and not ticket_type.counts_toward_event_capacity
    assert (registration.first_name, registration.last_name) == ("Maria", "Skłodowska")


def test_attendee_who_becomes_speaker_keeps_one_registration_with_speaker_badge(
        event, make_proposal, make_registration):
    attendee = make_registration(event, email="maria@example.org")
    proposal = make_proposal(event, email="maria@example.org")
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event, [proposal])
    decisions.confirm_participation(proposal)
    db.session.commit()
    registrations = db.session.execute(
        db.select(Registration).filter_by(email="maria@example.org")).scalars().all()
    assert registrations == [attendee]
    assert attendee.badge_role_override is BadgeRole.SPEAKER


def test_speaker_with_two_confirmed_proposals_gets_one_registration(event, make_proposal):
    for _ in range(2):
        proposal = make_proposal(event, email="twice@example.org")
        decisions.decide([proposal], DecisionKind.ACCEPTED)
        decisions.release_decision_emails(event, [proposal])
        decisions.confirm_participation(proposal)
        db.session.commit()
    count = db.session.execute(db.select(db.func.count()).select_from(Registration)).scalar_one()
    assert count == 1


def test_existing_speaker_ticket_type_is_reused(event, make_proposal, make_ticket_type):
    ticket_type = make_ticket_type(event, is_public=False, badge_role=BadgeRole.SPEAKER,
                                   counts_toward_event_capacity=False)
    proposal = make_proposal(event)
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event, [proposal])
    decisions.confirm_participation(proposal)
    db.session.commit()
    registration = db.session.execute(db.select(Registration)).scalar_one()
    assert registration.ticket_type_id == ticket_type.id


def test_co_speaker_confirming_after_the_session_exists_joins_it(event, make_proposal):
    proposal = make_proposal(event, co_speakers=["late@example.org"])
    decisions.decide([proposal], DecisionKind.ACCEPTED)
    decisions.release_decision_emails(event, [proposal])
    session = decisions.confirm_participation(proposal)
    assert len(session.speakers) == 1
    proposal.speakers[1].name = "Lea Late"
    confirm_co_speaking(proposal.speakers[1], proposal)
    db.session.commit()
    assert {s.email for s in session.speakers} == {proposal.submitter.email, "late@example.org"}
    assert db.session.execute(
        db.select(Registration).filter_by(email="late@example.org")).scalar_one()
