"""The partnering schedule pages: windows, the board and its actions, attendee availability."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import (
    Job,
    JobState,
    PartneringUnavailability,
    PartneringWindow,
    Role,
    StarredSession,
)
from conference.services.partnering.windows import settings_of


@pytest.fixture
def event(make_event, make_partnering_settings):
    event = make_event()
    make_partnering_settings(event, table_count=3)
    return event


@pytest.fixture
def organizer(app, event, make_user, login):
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, events=[event]))
    return client


def window_data(**fields):
    data = {"name-pl": "Sesja B2B", "name-en": "B2B session", "day": "2026-05-12",
            "start": "10:00", "end": "11:00", "breaks": ""}
    data.update(fields)
    return data


def flashes(client, url):
    return client.get(url).get_data(as_text=True)


def test_an_organizer_creates_a_window_with_slots(organizer, event):
    response = organizer.post(f"/manage/{event.slug}/partnering/windows", data=window_data())
    assert response.status_code == 302
    window = db.session.execute(db.select(PartneringWindow)).scalar_one()
    assert len(window.slots) == 3
    page = organizer.get(f"/manage/{event.slug}/partnering/windows").get_data(as_text=True)
    assert "B2B session" in page


def test_unreadable_breaks_show_a_message_under_the_field(organizer, event):
    response = organizer.post(f"/manage/{event.slug}/partnering/windows",
                              data=window_data(breaks="lunch"))
    assert response.status_code == 200
    assert "is not a break" in response.get_data(as_text=True)
    assert db.session.execute(db.select(PartneringWindow)).first() is None


@pytest.mark.parametrize("day", ["2026-05-20", "yesterday", ""])
def test_a_day_outside_the_event_is_refused_without_an_error_page(organizer, event, day):
    response = organizer.post(f"/manage/{event.slug}/partnering/windows",
                              data=window_data(day=day))
    assert response.status_code == 200
    assert db.session.execute(db.select(PartneringWindow)).first() is None


def test_garbage_times_are_refused_with_a_message(organizer, event):
    response = organizer.post(f"/manage/{event.slug}/partnering/windows",
                              data=window_data(start="25:99", end="noon"))
    assert response.status_code == 200
    assert db.session.execute(db.select(PartneringWindow)).first() is None


def test_shrinking_a_window_with_a_placed_meeting_asks_for_confirmation(
        organizer, event, make_partnering_window, make_partnering_profile,
        make_meeting_request):
    window = make_partnering_window(event, start=dt.datetime(2026, 5, 12, 8, tzinfo=dt.UTC),
                                    slots=3)
    meeting = make_meeting_request(make_partnering_profile(event),
                                   make_partnering_profile(event),
                                   slot_id=window.slots[2].id, table_number=1)
    url = f"/manage/{event.slug}/partnering/windows/{window.id}"
    response = organizer.post(url, data=window_data(end="10:40"))
    assert "1 placed meeting would lose its slot" in response.get_data(as_text=True)
    assert meeting.slot_id is not None
    response = organizer.post(url, data=window_data(end="10:40", unplace="y"))
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.slot_id is None


def test_table_settings_are_saved(organizer, event):
    response = organizer.post(f"/manage/{event.slug}/partnering/windows/tables",
                              data={"table_count": "25", "slot_minutes": "15"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (settings_of(event).table_count, settings_of(event).slot_minutes) == (25, 15)


def test_table_settings_out_of_range_are_refused(organizer, event):
    response = organizer.post(f"/manage/{event.slug}/partnering/windows/tables",
                              data={"table_count": "-4", "slot_minutes": "abc"})
    assert response.status_code == 400
    db.session.expire_all()
    assert settings_of(event).table_count == 3


def test_a_window_of_another_event_is_404(organizer, make_event, make_partnering_window):
    other = make_partnering_window(make_event())
    slug = db.session.get(PartneringWindow, other.id).event.slug
    assert organizer.get(f"/manage/{slug}/partnering/windows/{other.id}").status_code == 403


@pytest.fixture
def scheduled(event, make_partnering_window, make_partnering_profile, make_meeting_request):
    window = make_partnering_window(event, slots=2)
    a, b, c = (make_partnering_profile(event) for _ in range(3))
    return window, [make_meeting_request(a, b), make_meeting_request(a, c)]


def test_running_the_scheduler_goes_through_a_job_and_places_meetings(organizer, event,
                                                                       scheduled):
    window, meetings = scheduled
    response = organizer.post(f"/manage/{event.slug}/partnering/schedule/run",
                              data={"version": "0"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.execute(db.select(Job)).scalar_one()
    assert job.state is JobState.DONE
    db.session.expire_all()
    assert all(m.slot_id is not None for m in meetings)
    page = organizer.get(f"/manage/{event.slug}/partnering/schedule").get_data(as_text=True)
    assert "2 placed" in page


def test_a_run_on_a_stale_page_fails_with_a_message(organizer, event, scheduled):
    settings_of(event).schedule_version = 5
    db.session.commit()
    organizer.post(f"/manage/{event.slug}/partnering/schedule/run", data={"version": "4"})
    job = db.session.execute(db.select(Job)).scalar_one()
    assert job.state is JobState.FAILED and "changed since" in job.error_message


def test_moving_a_meeting_from_the_board(organizer, event, scheduled):
    window, meetings = scheduled
    response = organizer.post(f"/manage/{event.slug}/partnering/schedule/move", data={
        "version": "0", "meeting_id": str(meetings[0].id), "slot": str(window.slots[1].id),
        "table": "2"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (meetings[0].slot_id, meetings[0].table_number) == (window.slots[1].id, 2)


def test_a_refused_move_is_explained(organizer, event, scheduled):
    window, meetings = scheduled
    url = f"/manage/{event.slug}/partnering/schedule/move"
    organizer.post(url, data={"version": "0", "meeting_id": str(meetings[0].id),
                              "slot": str(window.slots[0].id), "table": "1"})
    response = organizer.post(url, data={"version": "1", "meeting_id": str(meetings[1].id),
                                         "slot": str(window.slots[0].id), "table": "2"},
                              follow_redirects=True)
    assert "already meets someone else" in response.get_data(as_text=True)


@pytest.mark.parametrize("data", [
    {"meeting_id": "x", "slot": "1", "table": "1"},
    {"meeting_id": "99999999999", "slot": "1", "table": "1"},
    {"meeting_id": "1", "slot": "<script>", "table": "1"},
    {"meeting_id": "1", "slot": "1", "table": "-1"},
    {},
])
def test_bad_move_input_never_gives_a_server_error(organizer, event, scheduled, data):
    response = organizer.post(f"/manage/{event.slug}/partnering/schedule/move",
                              data={"version": "0", **data})
    assert response.status_code in (302, 400, 404)


def test_a_stale_version_refuses_a_move_with_a_message(organizer, event, scheduled):
    window, meetings = scheduled
    response = organizer.post(f"/manage/{event.slug}/partnering/schedule/move", data={
        "version": "7", "meeting_id": str(meetings[0].id), "slot": str(window.slots[1].id),
        "table": "1"}, follow_redirects=True)
    assert "changed since you loaded" in response.get_data(as_text=True)
    db.session.expire_all()
    assert meetings[0].slot_id is None


def test_lock_swap_unplace_and_the_slot_page(organizer, event, scheduled):
    window, (first, second) = scheduled
    base = f"/manage/{event.slug}/partnering/schedule"
    organizer.post(f"{base}/move", data={"version": "0", "meeting_id": str(first.id),
                                         "slot": str(window.slots[0].id), "table": "1"})
    organizer.post(f"{base}/move", data={"version": "1", "meeting_id": str(second.id),
                                         "slot": str(window.slots[1].id), "table": "2"})
    organizer.post(f"{base}/swap", data={"version": "2", "meeting_id": str(first.id),
                                         "other": str(second.id)})
    organizer.post(f"{base}/lock", data={"version": "3", "meeting_id": str(first.id),
                                         "locked": "1"})
    db.session.expire_all()
    assert (first.slot_id, first.table_number, first.locked) == (window.slots[1].id, 2, True)
    page = organizer.get(f"{base}/slots/{window.slots[1].id}").get_data(as_text=True)
    assert f"#{first.id}" in page and "Unlock" in page
    organizer.post(f"{base}/unplace", data={"version": "4", "meeting_id": str(first.id)})
    db.session.expire_all()
    assert first.slot_id is None and not first.locked


def test_swapping_with_a_meeting_of_another_event_is_refused(
        organizer, event, scheduled, make_event, make_partnering_profile,
        make_meeting_request):
    window, meetings = scheduled
    other_event = make_event()
    foreign = make_meeting_request(make_partnering_profile(other_event),
                                   make_partnering_profile(other_event))
    response = organizer.post(f"/manage/{event.slug}/partnering/schedule/swap", data={
        "version": "0", "meeting_id": str(meetings[0].id), "other": str(foreign.id)},
        follow_redirects=True)
    assert f"no meeting no. {foreign.id}" in response.get_data(as_text=True)


def test_publishing_twice_says_so(organizer, event, scheduled):
    window, meetings = scheduled
    base = f"/manage/{event.slug}/partnering/schedule"
    organizer.post(f"{base}/move", data={"version": "0", "meeting_id": str(meetings[0].id),
                                         "slot": str(window.slots[0].id), "table": "1"})
    response = organizer.post(f"{base}/publish", data={"version": "1"},
                              follow_redirects=True)
    assert "Schedule published" in response.get_data(as_text=True)
    response = organizer.post(f"{base}/publish", data={"version": "2"},
                              follow_redirects=True)
    assert "already published" in response.get_data(as_text=True)


# --- the attendee's availability ---------------------------------------------------------


@pytest.fixture
def attendee(event, make_partnering_window, make_partnering_profile):
    window = make_partnering_window(event, slots=3)
    return window, make_partnering_profile(event)


def availability_url(profile):
    return f"/e/{profile.event.slug}/r/{profile.registration.token}/partnering/availability"


def test_the_attendee_marks_slots_and_the_marks_are_replaced(client, attendee):
    window, profile = attendee
    url = availability_url(profile)
    client.post(url, data={"unavailable": [str(window.slots[0].id), str(window.slots[1].id)]})
    response = client.post(url, data={"unavailable": [str(window.slots[2].id)]})
    assert response.status_code == 302
    marks = db.session.execute(db.select(PartneringUnavailability.slot_id)).scalars().all()
    assert marks == [window.slots[2].id]


def test_a_programme_session_shows_as_busy_with_its_title(client, attendee, make_session):
    window, profile = attendee
    talk = make_session(profile.event, start="14:00", end="14:30", title="Gene therapy today")
    db.session.add(StarredSession(registration_id=profile.registration_id, session_id=talk.id))
    db.session.commit()
    page = client.get(availability_url(profile)).get_data(as_text=True)
    assert "busy: Gene therapy today" in page


def test_a_slot_of_another_event_is_refused_with_a_message(client, attendee, make_event,
                                                           make_partnering_window):
    window, profile = attendee
    foreign = make_partnering_window(make_event())
    response = client.post(availability_url(profile),
                           data={"unavailable": [str(foreign.slots[0].id)]})
    assert response.status_code == 200
    assert "does not exist" in response.get_data(as_text=True)
    assert db.session.execute(db.select(PartneringUnavailability)).first() is None


def test_junk_slot_values_are_ignored(client, attendee):
    window, profile = attendee
    response = client.post(availability_url(profile),
                           data={"unavailable": ["x", "-1", "99999999999999"]})
    assert response.status_code == 302


def test_someone_who_has_not_joined_is_told_to_join_first(client, event, make_registration,
                                                          make_partnering_window):
    make_partnering_window(event)
    registration = make_registration(event)
    response = client.get(f"/e/{event.slug}/r/{registration.token}/partnering/availability")
    assert response.status_code == 200
    assert "Join partnering" in response.get_data(as_text=True)


def test_a_wrong_token_is_404(client, event):
    assert client.get(f"/e/{event.slug}/r/{'x' * 32}/partnering/availability").status_code \
        == 404


def test_a_window_needs_a_name_in_the_default_language(organizer, event):
    response = organizer.post(f"/manage/{event.slug}/partnering/windows",
                              data=window_data(**{"name-pl": "", "name-en": ""}))
    assert response.status_code == 200
    assert db.session.execute(db.select(PartneringWindow)).first() is None


def test_the_board_lists_unplaced_meetings_with_their_reason(organizer, event, scheduled):
    window, meetings = scheduled
    meetings[0].unplaced_reason = "no_common_slot"
    db.session.commit()
    page = organizer.get(f"/manage/{event.slug}/partnering/schedule").get_data(as_text=True)
    assert "No slot in which both are free" in page
    assert f'name="meeting_id" value="{meetings[0].id}"' in page


def test_marking_a_slot_that_holds_a_meeting_warns_the_attendee(
        client, attendee, make_partnering_profile, make_meeting_request):
    window, profile = attendee
    partner = make_partnering_profile(profile.event)
    make_meeting_request(profile, partner, slot_id=window.slots[1].id, table_number=2)
    response = client.post(availability_url(profile),
                           data={"unavailable": [str(window.slots[1].id)]},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "in a slot you marked" in text and "table 2" in text
    assert partner.registration.full_name in text
