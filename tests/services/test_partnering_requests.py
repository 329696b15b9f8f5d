"""Meeting requests: send, accept, decline, withdraw, cancel; the limits and refusals; the
emails to the other side."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import OutboxMessage, RegistrationState, RequestState
from conference.services.partnering import requests as service
from conference.services.partnering.errors import (
    CannotRequestSelf,
    DuplicateRequest,
    InvalidMessage,
    MeetingLimitReached,
    MeetingNotOpen,
    NotAParticipant,
    NotYourRequest,
    PartneringClosed,
    RecipientUnavailable,
    RequestAlreadyAnswered,
    RequestLimitReached,
)

NOW = dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)


@pytest.fixture
def pair(make_event, make_partnering_settings, make_partnering_profile):
    """Two participants of an event with partnering on."""
    event = make_event(language="en", languages="en,pl")
    make_partnering_settings(event)
    return make_partnering_profile(event), make_partnering_profile(event)


def _mail(kind: str) -> list[OutboxMessage]:
    return list(db.session.execute(db.select(OutboxMessage).filter_by(kind=kind)).scalars())


def test_a_sent_request_is_pending_and_the_recipient_is_emailed(pair):
    a, b = pair
    request = service.send_request(a, b, "Let us talk about CRISPR", now=NOW)
    db.session.commit()
    assert request.state is RequestState.PENDING and request.message == "Let us talk about CRISPR"
    [mail] = _mail("partnering.received")
    assert mail.recipient == b.registration.email
    assert "Let us talk about CRISPR" in mail.body_text
    assert f"/r/{b.registration.token}/partnering/" in mail.body_text


def test_the_email_is_in_the_recipients_language(pair):
    a, b = pair
    b.registration.locale = "pl"
    db.session.commit()
    service.send_request(a, b)
    db.session.commit()
    [mail] = _mail("partnering.received")
    assert "Nowa prośba o spotkanie" in mail.subject


def test_a_request_to_oneself_is_refused(pair):
    a, _b = pair
    with pytest.raises(CannotRequestSelf):
        service.send_request(a, a)


def test_a_request_to_someone_who_left_is_refused(pair):
    a, b = pair
    b.left_at = NOW
    db.session.commit()
    with pytest.raises(RecipientUnavailable):
        service.send_request(a, b)


def test_a_request_to_someone_whose_registration_is_cancelled_is_refused(pair):
    a, b = pair
    b.registration.state = RegistrationState.CANCELLED
    db.session.commit()
    with pytest.raises(RecipientUnavailable):
        service.send_request(a, b)


def test_a_request_to_someone_of_another_event_is_refused(pair, make_event,
                                                          make_partnering_settings,
                                                          make_partnering_profile):
    a, _b = pair
    other_event = make_event()
    make_partnering_settings(other_event)
    with pytest.raises(RecipientUnavailable):
        service.send_request(a, make_partnering_profile(other_event))


def test_a_request_to_nobody_is_refused(pair):
    a, _b = pair
    with pytest.raises(RecipientUnavailable):
        service.send_request(a, None)


def test_a_request_from_someone_who_left_is_refused(pair):
    a, b = pair
    a.left_at = NOW
    db.session.commit()
    with pytest.raises(NotAParticipant):
        service.send_request(a, b)


def test_requests_are_refused_while_partnering_is_off(pair, make_partnering_settings):
    a, b = pair
    make_partnering_settings(a.event, enabled=False)
    with pytest.raises(PartneringClosed):
        service.send_request(a, b)


def test_a_second_request_between_the_same_two_is_refused_in_either_direction(pair):
    a, b = pair
    service.send_request(a, b)
    db.session.commit()
    with pytest.raises(DuplicateRequest):
        service.send_request(a, b)
    with pytest.raises(DuplicateRequest):
        service.send_request(b, a)


def test_after_a_decline_a_new_request_may_be_sent(pair):
    a, b = pair
    first = service.send_request(a, b)
    service.decline_request(first, b)
    db.session.commit()
    assert service.send_request(b, a).state is RequestState.PENDING


def test_the_request_limit_counts_withdrawn_and_declined_requests(
        pair, make_partnering_settings, make_partnering_profile):
    a, b = pair
    make_partnering_settings(a.event, max_requests_sent=2)
    c, d = make_partnering_profile(a.event), make_partnering_profile(a.event)
    service.withdraw_request(service.send_request(a, b), a)
    service.decline_request(service.send_request(a, c), c)
    db.session.commit()
    with pytest.raises(RequestLimitReached):
        service.send_request(a, d)


def test_a_too_long_message_is_refused(pair):
    a, b = pair
    with pytest.raises(InvalidMessage):
        service.send_request(a, b, "x" * 1001)


def test_a_message_with_control_characters_is_refused(pair):
    a, b = pair
    with pytest.raises(InvalidMessage):
        service.send_request(a, b, "hello\x00")


def test_accepting_makes_a_meeting_and_tells_the_requester(pair):
    a, b = pair
    request = service.send_request(a, b)
    service.accept_request(request, b, now=NOW)
    db.session.commit()
    assert request.state is RequestState.ACCEPTED and request.answered_at == NOW
    [mail] = _mail("partnering.accepted")
    assert mail.recipient == a.registration.email


def test_only_the_recipient_may_answer(pair):
    a, b = pair
    request = service.send_request(a, b)
    with pytest.raises(NotYourRequest):
        service.accept_request(request, a)
    with pytest.raises(NotYourRequest):
        service.decline_request(request, a)


def test_answering_twice_is_refused(pair):
    a, b = pair
    request = service.send_request(a, b)
    service.accept_request(request, b)
    db.session.commit()
    with pytest.raises(RequestAlreadyAnswered):
        service.decline_request(request, b)
    with pytest.raises(RequestAlreadyAnswered):
        service.accept_request(request, b)


def test_accepting_beyond_my_meeting_limit_is_refused(pair, make_partnering_settings,
                                                     make_partnering_profile,
                                                     make_meeting_request):
    a, b = pair
    make_partnering_settings(a.event, max_meetings=1)
    make_meeting_request(make_partnering_profile(a.event), b)
    request = service.send_request(a, b)
    with pytest.raises(MeetingLimitReached) as error:
        service.accept_request(request, b)
    assert error.value.details["side"] == "you"


def test_accepting_beyond_the_requesters_meeting_limit_is_refused(
        pair, make_partnering_settings, make_partnering_profile, make_meeting_request):
    a, b = pair
    make_partnering_settings(a.event, max_meetings=1)
    make_meeting_request(a, make_partnering_profile(a.event))
    request = service.send_request(a, b)
    with pytest.raises(MeetingLimitReached) as error:
        service.accept_request(request, b)
    assert error.value.details["side"] == "other"


def test_declining_keeps_the_reason_and_tells_the_requester(pair):
    a, b = pair
    request = service.send_request(a, b)
    service.decline_request(request, b, "We only work with hospitals")
    db.session.commit()
    assert request.state is RequestState.DECLINED
    [mail] = _mail("partnering.declined")
    assert "We only work with hospitals" in mail.body_text


def test_the_requester_withdraws_a_pending_request(pair):
    a, b = pair
    request = service.send_request(a, b)
    service.withdraw_request(request, a)
    db.session.commit()
    assert request.state is RequestState.WITHDRAWN
    assert [m.recipient for m in _mail("partnering.withdrawn")] == [b.registration.email]


def test_the_recipient_cannot_withdraw(pair):
    a, b = pair
    request = service.send_request(a, b)
    with pytest.raises(NotYourRequest):
        service.withdraw_request(request, b)


def test_an_accepted_request_cannot_be_withdrawn(pair):
    a, b = pair
    request = service.send_request(a, b)
    service.accept_request(request, b)
    with pytest.raises(RequestAlreadyAnswered):
        service.withdraw_request(request, a)


def test_cancelling_a_meeting_frees_its_slot_and_table(pair, make_meeting_request,
                                                       make_partnering_window):
    a, b = pair
    slot = make_partnering_window(a.event).slots[0]
    meeting = make_meeting_request(a, b, slot_id=slot.id, table_number=4, locked=True)
    service.cancel_meeting(meeting, b, "Flight cancelled")
    db.session.commit()
    assert meeting.state is RequestState.CANCELLED and meeting.reason == "Flight cancelled"
    assert (meeting.slot_id, meeting.table_number, meeting.locked) == (None, None, False)
    assert [m.recipient for m in _mail("partnering.cancelled")] == [a.registration.email]


def test_a_pending_request_cannot_be_cancelled(pair):
    a, b = pair
    request = service.send_request(a, b)
    with pytest.raises(MeetingNotOpen):
        service.cancel_meeting(request, a)


def test_a_stranger_cannot_cancel_a_meeting(pair, make_meeting_request,
                                            make_partnering_profile):
    a, b = pair
    meeting = make_meeting_request(a, b)
    with pytest.raises(NotYourRequest):
        service.cancel_meeting(meeting, make_partnering_profile(a.event))


def test_each_side_sees_the_request_in_its_own_list(pair, make_partnering_profile,
                                                    make_meeting_request):
    a, b = pair
    pending = service.send_request(a, b)
    meeting = make_meeting_request(make_partnering_profile(a.event), a)
    db.session.commit()
    mine, theirs = service.requests_of(a), service.requests_of(b)
    assert (mine.outgoing, mine.incoming, mine.meetings) == ([pending], [], [meeting])
    assert (theirs.incoming, theirs.outgoing, theirs.meetings) == ([pending], [], [])


def test_request_of_refuses_someone_elses_request(pair, make_partnering_profile):
    a, b = pair
    request = service.send_request(a, b)
    db.session.commit()
    with pytest.raises(NotYourRequest):
        service.request_of(make_partnering_profile(a.event), request.id)


def test_accepting_after_the_schedule_is_published_places_the_meeting_at_once(
        pair, make_partnering_window, make_partnering_settings):
    a, b = pair
    window = make_partnering_window(a.event, start=NOW + dt.timedelta(days=10))
    make_partnering_settings(a.event, published_at=NOW - dt.timedelta(hours=1))
    request = service.send_request(a, b, now=NOW)
    service.accept_request(request, b, now=NOW)
    db.session.commit()
    assert (request.slot_id, request.table_number) == (window.slots[0].id, 1)


def test_accepting_before_publishing_leaves_the_meeting_for_the_next_run(
        pair, make_partnering_window):
    a, b = pair
    make_partnering_window(a.event, start=NOW + dt.timedelta(days=10))
    request = service.send_request(a, b, now=NOW)
    service.accept_request(request, b, now=NOW)
    db.session.commit()
    assert request.slot_id is None and request.state is RequestState.ACCEPTED
