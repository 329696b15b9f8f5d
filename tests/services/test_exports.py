"""Programme exports parsed by real parsers: icalendar, lxml and json."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest
from lxml import etree

from conference.extensions import db
from conference.models import SessionStatus, SessionType
from conference.services.programme.exports import calendar, programme_json, schedule_xml
from conference.services.programme.sessions import reschedule_session
from tests.fixtures.agenda import local

SATURDAY, SUNDAY = dt.date(2026, 10, 24), dt.date(2026, 10, 25)  # Warsaw leaves summer time


@pytest.fixture
def dst_programme(make_event, make_room, make_track, make_speaker, make_session):
    """Sessions on both sides of the October switch and one across it."""
    event = make_event(starts_on=SATURDAY, ends_on=SUNDAY, slug="dst")
    hall, lab = make_room(event, name="Hall A"), make_room(event, name="Lab 2")
    track = make_track(event, name="Biotech")
    claire = make_speaker(event, name="Claire Dubois")
    jonas = make_speaker(event, name="Jonas Müller")
    sessions = {
        "saturday": make_session(event, day=SATURDAY, start="10:00", end="10:45", room=hall,
                                 title="CRISPR screens", track=track, speakers=[claire]),
        "sunday": make_session(event, day=SUNDAY, start="10:00", end="10:45", room=lab,
                               title="Organoids", speakers=[claire, jonas],
                               session_type=SessionType.WORKSHOP, seat_capacity=12),
        "night": make_session(event, day=SUNDAY, start="01:30", end="04:00", room=hall,
                              title="Night lab"),
    }
    return event, sessions


def _vevents(body: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_ical_times_are_right_on_both_sides_of_the_dst_change(dst_programme):
    event, s = dst_programme
    events = _vevents(calendar(event, s.values()))
    saturday = events[f"session-{s['saturday'].id}@localhost"]
    sunday = events[f"session-{s['sunday'].id}@localhost"]
    # 10:00 in Warsaw: UTC+2 on Saturday, UTC+1 on Sunday.
    assert saturday.decoded("dtstart") == dt.datetime(2026, 10, 24, 8, 0, tzinfo=dt.UTC)
    assert sunday.decoded("dtstart") == dt.datetime(2026, 10, 25, 9, 0, tzinfo=dt.UTC)
    assert sunday.decoded("dtstart").astimezone(event.tz).hour == 10


def test_ical_session_across_the_switch_lasts_its_real_length(dst_programme):
    event, s = dst_programme
    night = _vevents(calendar(event, s.values()))[f"session-{s['night'].id}@localhost"]
    start, end = night.decoded("dtstart"), night.decoded("dtend")
    assert end - start == dt.timedelta(hours=3, minutes=30)  # 01:30 CEST to 04:00 CET
    assert end.astimezone(event.tz).strftime("%H:%M") == "04:00"


def test_ical_has_room_speakers_and_track(dst_programme):
    event, s = dst_programme
    sunday = _vevents(calendar(event, s.values()))[f"session-{s['sunday'].id}@localhost"]
    assert str(sunday["summary"]) == "Organoids"
    assert str(sunday["location"]).startswith("Lab 2")
    assert "Claire Dubois, Jonas Müller" in str(sunday["description"])
    assert str(sunday["status"]) == "CONFIRMED"


def test_ical_uid_is_stable_and_sequence_grows_when_a_session_moves(dst_programme):
    event, s = dst_programme
    uid = f"session-{s['saturday'].id}@localhost"
    before = _vevents(calendar(event, s.values()))[uid]
    reschedule_session(s["saturday"], starts_at=local(SATURDAY, "11:00"),
                       ends_at=local(SATURDAY, "11:45"), room=s["saturday"].room)
    db.session.commit()
    after = _vevents(calendar(event, s.values()))[uid]
    assert after.decoded("sequence") > before.decoded("sequence")
    assert after.decoded("dtstart") == dt.datetime(2026, 10, 24, 9, 0, tzinfo=dt.UTC)
    assert "last-modified" in after


def test_a_cancelled_session_is_exported_as_cancelled(dst_programme):
    event, s = dst_programme
    s["night"].status = SessionStatus.CANCELLED
    db.session.commit()
    night = _vevents(calendar(event, s.values()))[f"session-{s['night'].id}@localhost"]
    assert str(night["status"]) == "CANCELLED"


def test_json_programme_lists_sessions_with_local_and_utc_times(dst_programme):
    event, s = dst_programme
    data = json.loads(json.dumps(programme_json(event, s.values())))
    by_title = {item["title"]: item for item in data["sessions"]}
    assert by_title["Organoids"]["local_start"] == "2026-10-25T10:00:00+01:00"
    assert by_title["CRISPR screens"]["local_start"] == "2026-10-24T10:00:00+02:00"
    assert by_title["Organoids"]["starts_at"] == "2026-10-25T09:00:00+00:00"
    assert [p["name"] for p in by_title["Organoids"]["speakers"]] == [
        "Claire Dubois", "Jonas Müller"]
    assert by_title["Organoids"]["room"] == "Lab 2"
    assert by_title["Organoids"]["seats"] == 12
    assert data["event"]["timezone"] == "Europe/Warsaw"


def test_schedule_xml_has_the_frab_structure(dst_programme):
    event, s = dst_programme
    root = etree.fromstring(schedule_xml(event, s.values()))
    assert root.tag == "schedule"
    assert root.findtext("conference/title") == event.name
    assert root.findtext("conference/time_zone_name") == "Europe/Warsaw"
    days = root.findall("day")
    assert [d.get("date") for d in days] == ["2026-10-24", "2026-10-25"]
    assert [r.get("name") for r in days[1].findall("room")] == ["Hall A", "Lab 2"]


def test_schedule_xml_events_have_times_rooms_and_persons(dst_programme):
    event, s = dst_programme
    root = etree.fromstring(schedule_xml(event, s.values()))
    organoids = root.find(f".//event[@id='{s['sunday'].id}']")
    assert organoids.findtext("start") == "10:00"
    assert organoids.findtext("date") == "2026-10-25T10:00:00+01:00"
    assert organoids.findtext("duration") == "00:45"
    assert organoids.findtext("room") == "Lab 2"
    assert organoids.findtext("type") == "workshop"
    assert organoids.findtext("language") == "en"
    assert [p.text for p in organoids.findall("persons/person")] == [
        "Claire Dubois", "Jonas Müller"]
    assert organoids.getparent().get("name") == "Lab 2"
    assert organoids.get("guid")


def test_schedule_xml_duration_across_the_switch_is_real(dst_programme):
    event, s = dst_programme
    root = etree.fromstring(schedule_xml(event, s.values()))
    night = root.find(f".//event[@id='{s['night'].id}']")
    assert night.findtext("start") == "01:30"
    assert night.findtext("duration") == "03:30"
    assert night.findtext("date") == "2026-10-25T01:30:00+02:00"


def test_schedule_xml_leaves_out_cancelled_sessions(dst_programme):
    event, s = dst_programme
    s["night"].status = SessionStatus.CANCELLED
    db.session.commit()
    root = etree.fromstring(schedule_xml(event, s.values()))
    assert root.find(f".//event[@id='{s['night'].id}']") is None


def test_march_switch_times_in_ical(make_event, make_session):
    event = make_event(starts_on=dt.date(2026, 3, 28), ends_on=dt.date(2026, 3, 29))
    session = make_session(event, day=dt.date(2026, 3, 29), start="01:30", end="04:00")
    vevent = _vevents(calendar(event, [session]))[f"session-{session.id}@localhost"]
    assert vevent.decoded("dtstart") == dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)
    assert vevent.decoded("dtend") - vevent.decoded("dtstart") == dt.timedelta(hours=1,
                                                                               minutes=30)
