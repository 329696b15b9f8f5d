"""Running the scheduler on an event, moving, swapping, locking, publishing, late meetings."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conference.extensions import db
from conference.models import OutboxMessage, RequestState
from conference.services.partnering.errors import (
    AlreadyPublished,
    NotPlaceable,
    StaleSchedule,
)
from conference.services.partnering.placement import (
    move_meeting,
    place_new_meeting,
    publish_schedule,
    run_schedule,
    set_locked,
    swap_meetings,
    unplace_meeting,
)
from conference.services.partnering.scheduler import NO_COMMON_SLOT, PERSON_FULL
from conference.services.partnering.windows import settings_of
from tests.partnering_validator import schedule_errors

BEFORE = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


@pytest.fixture
def scene(make_event, make_partnering_settings, make_partnering_window,
          make_partnering_profile, make_meeting_request):
    """Four people, three meetings (a-b, a-c, c-d), three slots, two tables."""
    event = make_event()
    make_partnering_settings(event, table_count=2)
    window = make_partnering_window(event, slots=3)
    people = {name: make_partnering_profile(event) for name in "abcd"}
    meetings = {pair: make_meeting_request(people[pair[0]], people[pair[1]])
                for pair in ("ab", "ac", "cd")}
    return event, window.slots, people, meetings


def mails(kind=None):
    query = db.select(OutboxMessage)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return db.session.execute(query).scalars().all()


def test_a_run_places_every_meeting_validly(scene):
    event, slots, people, meetings = scene
    result = run_schedule(event, now=BEFORE)
    db.session.commit()
    assert len(result.placements) == 3 and result.upper_bound == 3
    for meeting in meetings.values():
        assert meeting.slot_id is not None and 1 <= meeting.table_number <= 2
    assert meetings["ab"].slot_id != meetings["ac"].slot_id


def test_a_run_records_its_summary_and_raises_the_version(scene):
    event, *_ = scene
    run_schedule(event, now=BEFORE)
    db.session.commit()
    settings = settings_of(event)
    assert settings.schedule_version == 1 and settings.last_run_at == BEFORE
    assert json.loads(settings.last_run_summary)["placed"] == 3


def test_a_run_on_a_stale_version_is_refused(scene):
    event, *_ = scene
    run_schedule(event, expected_version=0)
    db.session.commit()
    with pytest.raises(StaleSchedule):
        run_schedule(event, expected_version=0)


def test_an_unplaceable_meeting_gets_its_reason(scene, make_partnering_settings):
    event, slots, people, meetings = scene
    from conference.services.partnering.availability import save_unavailability

    save_unavailability(people["c"], {slots[0].id, slots[1].id})
    save_unavailability(people["d"], {slots[2].id})
    db.session.commit()
    run_schedule(event)
    db.session.commit()
    assert meetings["cd"].slot_id is None
    assert meetings["cd"].unplaced_reason == NO_COMMON_SLOT


def test_declined_and_cancelled_requests_are_not_placed(scene, make_meeting_request):
    event, slots, people, meetings = scene
    meetings["cd"].state = RequestState.CANCELLED
    db.session.commit()
    result = run_schedule(event)
    assert meetings["cd"].id not in result.placements


def test_a_rerun_keeps_locked_meetings(scene):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[2], 2, expected_version=None)
    set_locked(meetings["ab"], True, expected_version=None)
    db.session.commit()
    run_schedule(event)
    db.session.commit()
    assert (meetings["ab"].slot_id, meetings["ab"].table_number) == (slots[2].id, 2)


def test_the_event_schedule_passes_the_validator(scene):
    event, slots, people, meetings = scene
    from conference.services.partnering.placement import build_problem, meetings_of

    run_schedule(event)
    db.session.commit()
    settings = settings_of(event)
    problem = build_problem(event, settings, meetings_of(event), slots)
    from conference.services.partnering.scheduler import Schedule

    saved = Schedule(placements={m.id: (m.slot_id, m.table_number) for m in meetings.values()},
                     unplaced={}, upper_bound=3, status="", seconds=0)
    assert schedule_errors(problem, saved) == []


def test_moving_to_a_taken_table_is_refused(scene):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[0], 1, expected_version=None)
    with pytest.raises(NotPlaceable):
        move_meeting(meetings["cd"], slots[0], 1, expected_version=None)


def test_moving_someone_into_a_second_meeting_at_once_is_refused(scene):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[0], 1, expected_version=None)
    with pytest.raises(NotPlaceable):
        move_meeting(meetings["ac"], slots[0], 2, expected_version=None)


def test_moving_into_a_busy_slot_is_refused(scene):
    event, slots, people, meetings = scene
    from conference.services.partnering.availability import save_unavailability

    save_unavailability(people["d"], {slots[1].id})
    with pytest.raises(NotPlaceable):
        move_meeting(meetings["cd"], slots[1], 1, expected_version=None)


def test_moving_to_a_table_that_does_not_exist_is_refused(scene):
    event, slots, people, meetings = scene
    with pytest.raises(NotPlaceable):
        move_meeting(meetings["ab"], slots[0], 3, expected_version=None)


def test_moving_to_a_slot_of_another_event_is_refused(scene, make_event,
                                                      make_partnering_window):
    event, slots, people, meetings = scene
    from conference.services.partnering.errors import UnknownSlot

    foreign = make_partnering_window(make_event())
    with pytest.raises(UnknownSlot):
        move_meeting(meetings["ab"], foreign.slots[0], 1, expected_version=None)


def test_a_move_with_a_stale_version_is_refused(scene):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[0], 1, expected_version=0)
    with pytest.raises(StaleSchedule):
        move_meeting(meetings["cd"], slots[1], 1, expected_version=0)


def test_a_table_may_move_to_another_meeting_in_the_same_slot_by_swapping(scene):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[0], 1, expected_version=None)
    move_meeting(meetings["cd"], slots[0], 2, expected_version=None)
    db.session.commit()
    swap_meetings(meetings["ab"], meetings["cd"], expected_version=None)
    db.session.commit()
    assert meetings["ab"].table_number == 2 and meetings["cd"].table_number == 1


def test_swapping_two_slots(scene):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[0], 1, expected_version=None)
    move_meeting(meetings["cd"], slots[1], 2, expected_version=None)
    swap_meetings(meetings["ab"], meetings["cd"], expected_version=None)
    db.session.commit()
    assert (meetings["ab"].slot_id, meetings["ab"].table_number) == (slots[1].id, 2)
    assert (meetings["cd"].slot_id, meetings["cd"].table_number) == (slots[0].id, 1)


def test_a_swap_that_puts_someone_in_two_places_is_refused(scene):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[0], 1, expected_version=None)
    move_meeting(meetings["ac"], slots[1], 1, expected_version=None)
    move_meeting(meetings["cd"], slots[0], 2, expected_version=None)
    # a-c to slot 0 would put c in a-c and c-d at once.
    with pytest.raises(NotPlaceable):
        swap_meetings(meetings["ac"], meetings["ab"], expected_version=None)


def test_swapping_an_unplaced_meeting_is_refused(scene):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[0], 1, expected_version=None)
    with pytest.raises(NotPlaceable):
        swap_meetings(meetings["ab"], meetings["cd"], expected_version=None)


def test_an_unplaced_meeting_cannot_be_locked(scene):
    event, slots, people, meetings = scene
    with pytest.raises(NotPlaceable):
        set_locked(meetings["ab"], True, expected_version=None)


def test_unplacing_frees_the_table_and_the_lock(scene):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[0], 1, expected_version=None)
    set_locked(meetings["ab"], True, expected_version=None)
    unplace_meeting(meetings["ab"], expected_version=None)
    db.session.commit()
    assert (meetings["ab"].slot_id, meetings["ab"].table_number, meetings["ab"].locked) == \
        (None, None, False)


def test_publishing_emails_each_participant_their_list_in_their_language(scene):
    event, slots, people, meetings = scene
    people["a"].registration.locale = "pl"
    run_schedule(event)
    queued = publish_schedule(event, expected_version=None, now=BEFORE)
    db.session.commit()
    assert queued == 4
    messages = mails("partnering.schedule_published")
    assert len(messages) == 4
    polish = [m for m in messages if m.recipient == people["a"].registration.email]
    assert "stolik" in polish[0].body_text
    assert settings_of(event).published_at == BEFORE


def test_publishing_twice_without_a_change_is_refused(scene):
    event, *_ = scene
    run_schedule(event)
    publish_schedule(event, expected_version=None)
    db.session.commit()
    with pytest.raises(AlreadyPublished):
        publish_schedule(event, expected_version=None)


def test_publishing_again_after_a_change_is_allowed(scene):
    event, slots, people, meetings = scene
    run_schedule(event)
    publish_schedule(event, expected_version=None)
    unplace_meeting(meetings["ab"], expected_version=None)
    publish_schedule(event, expected_version=None)


def test_publishing_with_nothing_placed_is_refused(scene):
    event, *_ = scene
    with pytest.raises(NotPlaceable):
        publish_schedule(event, expected_version=None)


def test_a_move_after_publishing_tells_both_people(scene):
    event, slots, people, meetings = scene
    run_schedule(event)
    publish_schedule(event, expected_version=None)
    db.session.commit()
    target = next(s for s in slots if s.id != meetings["ab"].slot_id
                  and s.id != meetings["ac"].slot_id)
    move_meeting(meetings["ab"], target, 2, expected_version=None)
    db.session.commit()
    recipients = {m.recipient for m in mails("partnering.meeting_moved")}
    assert recipients == {people["a"].registration.email, people["b"].registration.email}


def test_a_move_before_publishing_emails_nobody(scene):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[0], 1, expected_version=None)
    db.session.commit()
    assert mails() == []


def test_a_new_meeting_after_publishing_gets_the_earliest_free_slot(
        scene, make_partnering_profile, make_meeting_request):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[0], 1, expected_version=None)
    publish_schedule(event, expected_version=None)
    db.session.commit()
    late = make_meeting_request(people["a"], make_partnering_profile(event))
    slot = place_new_meeting(late, now=BEFORE)
    db.session.commit()
    assert slot.id == slots[1].id and late.table_number == 1
    assert len(mails("partnering.meeting_placed")) == 2


def test_a_new_meeting_skips_slots_already_started(
        scene, make_partnering_profile, make_meeting_request):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[2], 1, expected_version=None)
    publish_schedule(event, expected_version=None)
    late = make_meeting_request(make_partnering_profile(event), make_partnering_profile(event))
    slot = place_new_meeting(late, now=slots[0].starts_at)
    assert slot.id == slots[1].id


def test_a_new_meeting_with_no_slot_left_tells_both(
        scene, make_partnering_profile, make_meeting_request):
    event, slots, people, meetings = scene
    move_meeting(meetings["ab"], slots[0], 1, expected_version=None)
    publish_schedule(event, expected_version=None)
    late = make_meeting_request(make_partnering_profile(event), make_partnering_profile(event))
    assert place_new_meeting(late, now=slots[-1].starts_at) is None
    db.session.commit()
    assert late.slot_id is None and late.unplaced_reason == NO_COMMON_SLOT
    assert len(mails("partnering.no_slot_left")) == 2


def test_a_new_meeting_whose_people_are_booked_everywhere_says_so(
        scene, make_partnering_profile, make_meeting_request):
    event, slots, people, meetings = scene
    for slot in slots:
        make_meeting_request(people["b"], make_partnering_profile(event),
                             slot_id=slot.id, table_number=1)
    publish_schedule(event, expected_version=None)
    late = make_meeting_request(people["b"], people["d"])
    assert place_new_meeting(late, now=BEFORE) is None
    assert late.unplaced_reason == PERSON_FULL


def test_a_new_meeting_before_publishing_waits_for_the_next_run(
        scene, make_partnering_profile, make_meeting_request):
    event, slots, people, meetings = scene
    assert place_new_meeting(meetings["ab"], now=BEFORE) is None
    assert meetings["ab"].slot_id is None and mails() == []
