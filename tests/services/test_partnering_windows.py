"""Partnering windows: local times on event days, breaks, slots, and placed meetings kept."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import OutboxMessage, PartneringSlot
from conference.services.partnering.errors import (
    InvalidBreaks,
    InvalidTableSettings,
    InvalidWindow,
    SlotsInUse,
)
from conference.services.partnering.windows import (
    WindowFields,
    delete_window,
    parse_breaks,
    save_table_settings,
    save_window,
    settings_of,
)

DAY = dt.date(2026, 5, 12)


def fields(start="10:00", end="12:00", breaks="", day=DAY, name="Morning brokerage"):
    return WindowFields(name=name, day=day, start=dt.time.fromisoformat(start),
                        end=dt.time.fromisoformat(end), breaks=breaks)


@pytest.fixture
def event(make_event, make_partnering_settings):
    event = make_event()
    make_partnering_settings(event, slot_minutes=20, table_count=10)
    return event


def local_starts(window):
    return [slot.starts_at.astimezone(window.event.tz).strftime("%H:%M") for slot in window.slots]


def test_a_window_is_cut_into_slots_in_the_event_timezone(event):
    window = save_window(None, event, fields("10:00", "11:00"))
    db.session.commit()
    assert local_starts(window) == ["10:00", "10:20", "10:40"]
    # Warsaw is UTC+2 in May: stored in UTC.
    assert window.slots[0].starts_at == dt.datetime(2026, 5, 12, 8, tzinfo=dt.UTC)


def test_no_slot_overlaps_a_break(event):
    window = save_window(None, event, fields("10:00", "11:30", breaks="10:30-10:45"))
    assert local_starts(window) == ["10:00", "10:45", "11:05"]


def test_a_day_outside_the_event_is_refused(event):
    with pytest.raises(InvalidWindow):
        save_window(None, event, fields(day=dt.date(2026, 5, 14)))


def test_a_window_ending_before_it_starts_is_refused(event):
    with pytest.raises(InvalidWindow):
        save_window(None, event, fields("12:00", "11:00"))


def test_overlapping_windows_are_refused(event):
    save_window(None, event, fields("10:00", "12:00"))
    with pytest.raises(InvalidWindow):
        save_window(None, event, fields("11:00", "13:00"))


def test_a_window_shorter_than_a_slot_is_refused(event):
    with pytest.raises(InvalidWindow):
        save_window(None, event, fields("10:00", "10:10"))


@pytest.mark.parametrize("text", ["lunch", "12:00-11:00", "25:00-26:00", "12-13", "12:00-"])
def test_unreadable_breaks_are_refused_with_a_message(text):
    with pytest.raises(InvalidBreaks) as error:
        parse_breaks(text)
    assert error.value.message


def test_breaks_are_read_in_order_with_commas_and_dashes():
    assert parse_breaks("15:00–15:15, 12:30-13:00") == [
        (dt.time(12, 30), dt.time(13)), (dt.time(15), dt.time(15, 15))]


def test_a_break_outside_the_window_is_refused(event):
    with pytest.raises(InvalidBreaks):
        save_window(None, event, fields("10:00", "11:00", breaks="11:30-11:45"))


def test_editing_a_window_keeps_the_slots_that_stay(event):
    window = save_window(None, event, fields("10:00", "11:00"))
    db.session.commit()
    first_id = window.slots[0].id
    save_window(window, event, fields("10:00", "12:00"))
    db.session.commit()
    assert window.slots[0].id == first_id
    assert len(window.slots) == 6


def test_shrinking_a_window_with_placed_meetings_is_refused_with_the_count(
        event, make_partnering_profile, make_meeting_request):
    window = save_window(None, event, fields("10:00", "11:00"))
    db.session.commit()
    last = window.slots[-1]
    make_meeting_request(make_partnering_profile(event), make_partnering_profile(event),
                         slot_id=last.id, table_number=1)
    with pytest.raises(SlotsInUse) as error:
        save_window(window, event, fields("10:00", "10:40"))
    assert error.value.details["meetings"] == 1
    assert "1" in error.value.message


def test_shrinking_with_confirmation_unplaces_the_meetings(
        event, make_partnering_profile, make_meeting_request):
    window = save_window(None, event, fields("10:00", "11:00"))
    db.session.commit()
    meeting = make_meeting_request(make_partnering_profile(event),
                                   make_partnering_profile(event),
                                   slot_id=window.slots[-1].id, table_number=1, locked=True)
    version = settings_of(event).schedule_version
    save_window(window, event, fields("10:00", "10:40"), unplace=True)
    db.session.commit()
    assert (meeting.slot_id, meeting.table_number, meeting.locked) == (None, None, False)
    assert settings_of(event).schedule_version > version


def test_unplacing_after_publishing_tells_both_people(
        event, make_partnering_profile, make_meeting_request):
    window = save_window(None, event, fields("10:00", "11:00"))
    settings_of(event).published_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    db.session.commit()
    make_meeting_request(make_partnering_profile(event), make_partnering_profile(event),
                         slot_id=window.slots[-1].id, table_number=1)
    delete_window(window, unplace=True)
    db.session.commit()
    kinds = db.session.execute(db.select(OutboxMessage.kind)).scalars().all()
    assert kinds == ["partnering.meeting_unplaced"] * 2


def test_deleting_a_window_removes_its_slots(event):
    window = save_window(None, event, fields("10:00", "11:00"))
    db.session.commit()
    delete_window(window)
    db.session.commit()
    assert db.session.execute(db.select(PartneringSlot)).first() is None


def test_a_new_slot_length_recuts_every_window(event):
    window = save_window(None, event, fields("10:00", "11:00"))
    db.session.commit()
    save_table_settings(event, table_count=12, slot_minutes=30)
    db.session.commit()
    assert local_starts(window) == ["10:00", "10:30"]
    assert settings_of(event).table_count == 12


def test_fewer_tables_than_a_placed_meeting_uses_is_refused(
        event, make_partnering_profile, make_meeting_request):
    window = save_window(None, event, fields("10:00", "11:00"))
    db.session.commit()
    make_meeting_request(make_partnering_profile(event), make_partnering_profile(event),
                         slot_id=window.slots[0].id, table_number=8)
    with pytest.raises(SlotsInUse):
        save_table_settings(event, table_count=5, slot_minutes=20)


@pytest.mark.parametrize(("tables", "minutes"), [(0, 20), (501, 20), (10, 2), (10, 600)])
def test_table_settings_out_of_range_are_refused(event, tables, minutes):
    with pytest.raises(InvalidTableSettings):
        save_table_settings(event, table_count=tables, slot_minutes=minutes)
