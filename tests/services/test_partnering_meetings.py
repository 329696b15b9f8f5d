"""Partnering meetings: agendas, ratings, outcomes and the desk's badge scans."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import MeetingOutcome, MeetingRating, RequestState
from conference.services.partnering import desk, meetings
from conference.services.partnering.errors import (
    DeskScanRefused,
    InvalidRating,
    MeetingNotPlaced,
    NotAParticipant,
    NotYourMeeting,
    RatingTooEarly,
)

START = dt.datetime(2026, 5, 12, 12, tzinfo=dt.UTC)  # 14:00 in Warsaw


@pytest.fixture
def scene(make_event, make_registration, make_partnering_settings, make_partnering_window,
          make_partnering_profile, make_meeting_request):
    """Two placed meetings of Anna (Kraków) with Bea (Aragon) and Carl, published."""
    event = make_event()
    settings = make_partnering_settings(event, published_at=START - dt.timedelta(days=3))
    window = make_partnering_window(event, start=START, slots=4)
    anna = make_partnering_profile(event, make_registration(event, first_name="Anna"))
    bea = make_partnering_profile(event, make_registration(event, first_name="Bea",
                                                           country="ES"), country="ES")
    carl = make_partnering_profile(event, make_registration(event, first_name="Carl",
                                                            country="DE"), country="DE")
    second = make_meeting_request(carl, anna, slot_id=window.slots[2].id, table_number=4)
    first = make_meeting_request(anna, bea, slot_id=window.slots[0].id, table_number=7)
    return {"event": event, "settings": settings, "window": window, "anna": anna, "bea": bea,
            "carl": carl, "first": first, "second": second}


def test_agenda_lists_placed_meetings_in_time_order_with_the_partner(scene):
    entries = meetings.agenda(scene["anna"], now=START - dt.timedelta(days=1))
    assert [(e.table, e.partner.id) for e in entries] == [(7, scene["bea"].id),
                                                          (4, scene["carl"].id)]


def test_agenda_is_empty_until_the_schedule_is_published(scene):
    scene["settings"].published_at = None
    db.session.commit()
    assert meetings.agenda(scene["anna"]) == []


def test_agenda_leaves_out_unplaced_and_cancelled_meetings(scene, make_partnering_profile,
                                                             make_meeting_request):
    event = scene["event"]
    make_meeting_request(scene["anna"], make_partnering_profile(event))  # accepted, unplaced
    scene["second"].state = RequestState.CANCELLED
    db.session.commit()
    entries = meetings.agenda(scene["anna"], now=START)
    assert [e.meeting.id for e in entries] == [scene["first"].id]


def test_rating_before_the_slot_starts_is_refused(scene):
    with pytest.raises(RatingTooEarly):
        meetings.rate_meeting(scene["first"], scene["anna"], rating=5, follow_up=True,
                              now=START - dt.timedelta(minutes=1))


def test_rating_after_the_slot_started_is_saved_and_can_be_changed(scene):
    meetings.rate_meeting(scene["first"], scene["anna"], rating=2, follow_up=False,
                          comment="Too short", now=START + dt.timedelta(minutes=5))
    meetings.rate_meeting(scene["first"], scene["anna"], rating=5, follow_up=True,
                          comment=" Great ", now=START + dt.timedelta(hours=2))
    db.session.commit()
    [rating] = db.session.execute(db.select(MeetingRating)).scalars().all()
    assert (rating.rating, rating.follow_up, rating.comment) == (5, True, "Great")


def test_a_meeting_marked_held_can_be_rated_even_before_its_slot(scene):
    meetings.record_outcome(scene["first"], MeetingOutcome.HELD, now=START)
    rating = meetings.rate_meeting(scene["first"], scene["bea"], rating=4, follow_up=True,
                                   now=START - dt.timedelta(minutes=5))
    assert rating.rating == 4


def test_a_no_show_cannot_be_rated(scene):
    meetings.record_outcome(scene["first"], MeetingOutcome.NO_SHOW, now=START)
    with pytest.raises(RatingTooEarly):
        meetings.rate_meeting(scene["first"], scene["bea"], rating=1, follow_up=False,
                              now=START + dt.timedelta(hours=1))


def test_only_the_two_sides_may_rate_a_meeting(scene):
    with pytest.raises(NotYourMeeting):
        meetings.rate_meeting(scene["first"], scene["carl"], rating=3, follow_up=False,
                              now=START + dt.timedelta(hours=1))


def test_someone_who_left_may_not_rate(scene):
    scene["anna"].left_at = START
    with pytest.raises(NotAParticipant):
        meetings.rate_meeting(scene["first"], scene["anna"], rating=3, follow_up=False,
                              now=START + dt.timedelta(hours=1))


@pytest.mark.parametrize("value", [0, 6, -1, True, "5", None, 3.5])
def test_a_rating_outside_one_to_five_is_refused(scene, value):
    with pytest.raises(InvalidRating):
        meetings.rate_meeting(scene["first"], scene["anna"], rating=value, follow_up=False,
                              now=START + dt.timedelta(hours=1))


def test_a_too_long_comment_is_refused(scene):
    with pytest.raises(InvalidRating):
        meetings.rate_meeting(scene["first"], scene["anna"], rating=3, follow_up=False,
                              comment="x" * 501, now=START + dt.timedelta(hours=1))


def test_an_unplaced_meeting_gets_no_outcome(scene, make_partnering_profile,
                                             make_meeting_request):
    unplaced = make_meeting_request(scene["anna"], make_partnering_profile(scene["event"]))
    with pytest.raises(MeetingNotPlaced):
        meetings.record_outcome(unplaced, MeetingOutcome.HELD, now=START)


def test_current_slot_is_the_one_running_then_the_next_of_the_day(scene):
    slots = scene["window"].slots
    event = scene["event"]
    assert meetings.current_slot(event, START + dt.timedelta(minutes=25)).id == slots[1].id
    assert meetings.current_slot(event, START - dt.timedelta(minutes=5)).id == slots[0].id
    assert meetings.current_slot(event, START - dt.timedelta(hours=3)).id == slots[0].id
    assert meetings.current_slot(event, START + dt.timedelta(days=1)) is None


# ---------------------------------------------------------------- the desk


def test_first_badge_shows_the_meeting_and_waits_for_the_partner(scene):
    result = desk.desk_scan(scene["event"], scene["anna"].registration.ticket_code,
                            now=START + dt.timedelta(minutes=2))
    assert result.code == "waiting"
    assert (result.meeting.id, result.partner.id) == (scene["first"].id, scene["bea"].id)
    assert scene["first"].outcome is None


def test_partner_badge_after_the_first_marks_the_meeting_held(scene):
    now = START + dt.timedelta(minutes=3)
    result = desk.desk_scan(scene["event"], scene["bea"].registration.ticket_code.lower(),
                            first_code=scene["anna"].registration.ticket_code, now=now)
    assert result.code == "held"
    assert scene["first"].outcome is MeetingOutcome.HELD
    assert scene["first"].outcome_at == now


def test_scanning_a_held_meeting_again_says_so(scene):
    now = START + dt.timedelta(minutes=3)
    anna, bea = (scene[k].registration.ticket_code for k in ("anna", "bea"))
    desk.desk_scan(scene["event"], bea, first_code=anna, now=now)
    assert desk.desk_scan(scene["event"], anna, first_code=bea, now=now).code == "already_held"


def test_a_scan_shortly_before_the_slot_counts_for_it(scene):
    result = desk.desk_scan(scene["event"], scene["anna"].registration.ticket_code,
                            now=START - dt.timedelta(minutes=8))
    assert result.meeting.id == scene["first"].id


def test_two_badges_of_different_meetings_are_not_partners(scene):
    now = START + dt.timedelta(minutes=3)
    with pytest.raises(DeskScanRefused) as refused:
        desk.desk_scan(scene["event"], scene["anna"].registration.ticket_code,
                       first_code=scene["carl"].registration.ticket_code, now=now)
    assert refused.value.code == "not_partners"
    assert scene["first"].outcome is None


def test_the_same_badge_twice_is_not_a_pair(scene):
    code = scene["anna"].registration.ticket_code
    with pytest.raises(DeskScanRefused) as refused:
        desk.desk_scan(scene["event"], code, first_code=code, now=START)
    assert refused.value.code == "not_partners"


def test_a_person_without_a_meeting_now_is_refused_with_the_next_one(scene):
    with pytest.raises(DeskScanRefused) as refused:
        desk.desk_scan(scene["event"], scene["carl"].registration.ticket_code,
                       now=START + dt.timedelta(minutes=5))
    assert refused.value.code == "no_meeting_now"
    assert refused.value.details["next_meeting"].id == scene["second"].id


@pytest.mark.parametrize("code", ["", "nonsense", "x" * 500, 12, None, ["A"]])
def test_a_malformed_code_is_refused(scene, code):
    with pytest.raises(DeskScanRefused) as refused:
        desk.desk_scan(scene["event"], code, now=START)
    assert refused.value.code == "malformed"


def test_an_unknown_code_is_refused(scene):
    with pytest.raises(DeskScanRefused) as refused:
        desk.desk_scan(scene["event"], "ABCDEFGHJKMNPQRSTU", now=START)
    assert refused.value.code == "unknown_code"


def test_a_badge_of_another_event_is_refused(scene, make_event, make_registration):
    other = make_registration(make_event())
    with pytest.raises(DeskScanRefused) as refused:
        desk.desk_scan(scene["event"], other.ticket_code, now=START)
    assert refused.value.code == "wrong_event"


def test_an_attendee_outside_partnering_is_refused(scene, make_registration):
    outsider = make_registration(scene["event"])
    with pytest.raises(DeskScanRefused) as refused:
        desk.desk_scan(scene["event"], outsider.ticket_code, now=START)
    assert refused.value.code == "not_a_participant"


def test_a_stored_sector_is_shown_in_the_readers_language(app, scene):
    event = scene["event"]  # default language Polish: profiles store the Polish lines
    with app.test_request_context():
        assert meetings.list_label(event, "sectors", "Wyroby medyczne", "en") == "Medical devices"
        assert meetings.list_label(event, "cooperation_types", "Licencje", "en") == "Licensing"
        assert meetings.list_label(event, "sectors", "Unknown line", "en") == "Unknown line"
