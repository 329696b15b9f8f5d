"""Partnering from start to end, through the pages only: two participants from Kraków and
Aragon find each other in the directory, agree to meet, get a table and a time that fit
their programmes, meet, and the organizer reports the meeting held."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from conference.extensions import db
from conference.models import (
    MeetingOutcome,
    MeetingRequest,
    PartneringProfile,
    PartneringWindow,
    RequestState,
    Role,
    StarredSession,
)

EVENT_DAY = dt.date(2027, 5, 12)  # in the future, so slots are still ahead


def _join(client, registration, **fields):
    data = {"country": registration.country, "sectors": ["Digital health"],
            "description": "", "offer_type_0": "Research partner", "offer_text_0": "",
            "request_type_0": "Licensing", "request_text_0": ""}
    data.update(fields)
    base = f"/e/{registration.event.slug}/r/{registration.token}/partnering"
    assert client.post(f"{base}/profile", data=data).status_code == 302
    return db.session.execute(db.select(PartneringProfile).filter_by(
        registration_id=registration.id)).scalar_one()


def test_krakow_and_aragon_meet_at_a_time_that_fits_and_the_funder_sees_it(
        app, make_event, make_registration, make_user, login, make_partnering_settings,
        make_session):
    event = make_event(language="en", languages="en,pl", starts_on=EVENT_DAY,
                       ends_on=EVENT_DAY + dt.timedelta(days=1))
    make_partnering_settings(event, table_count=5)
    organizer = app.test_client()
    login(organizer, make_user(Role.ORGANIZER, events=[event]))
    door = app.test_client()
    login(door, make_user(Role.DOOR, events=[event]))
    attendee = app.test_client()

    # The organizer opens one hour of 20-minute slots: 10:00, 10:20, 10:40 (Warsaw).
    assert organizer.post(f"/manage/{event.slug}/partnering/windows", data={
        "name-en": "B2B session", "name-pl": "Sesja B2B", "day": EVENT_DAY.isoformat(),
        "start": "10:00", "end": "11:00", "breaks": ""}).status_code == 302
    slots = db.session.execute(db.select(PartneringWindow)).scalar_one().slots
    assert [s.starts_at.astimezone(event.tz).strftime("%H:%M") for s in slots] == [
        "10:00", "10:20", "10:40"]

    krakow = make_registration(event, first_name="Zofia", last_name="Kowalska",
                               organization="Jagiellonian Biotech", country="PL")
    aragon = make_registration(event, first_name="Jordi", last_name="Puig",
                               organization="Aragon Health Cluster", country="ES")
    zofia = _join(attendee, krakow, description="Enzyme platform",
                  request_type_0="Research partner", request_text_0="Clinical partner")
    jordi = _join(attendee, aragon, description="Telemedicine in Zaragoza",
                  offer_type_0="Research partner", offer_text_0="Hospital network")

    # Zofia finds Jordi in the directory and sees why he is suggested.
    base = f"/e/{event.slug}/r/{krakow.token}/partnering"
    found = attendee.get(f"{base}/directory?q=zaragoza").get_data(as_text=True)
    assert "Jordi" in found and "Aragon Health Cluster" in found
    home = attendee.get(f"{base}/").get_data(as_text=True)
    assert "Jordi" in home  # suggested: he offers what she looks for
    assert attendee.post(f"{base}/p/{jordi.id}/request",
                         data={"message": "Shall we talk about a joint trial?"}
                         ).status_code == 302
    meeting = db.session.execute(db.select(MeetingRequest)).scalar_one()
    assert (meeting.requester_id, meeting.recipient_id) == (zofia.id, jordi.id)

    # Jordi accepts; his programme and hers leave only the last slot free for both.
    assert attendee.post(f"/e/{event.slug}/r/{aragon.token}/partnering/requests/"
                         f"{meeting.id}/accept").status_code == 302
    assert attendee.post(f"/e/{event.slug}/r/{aragon.token}/partnering/availability",
                         data={"unavailable": [str(slots[0].id)]}).status_code == 302
    workshop = make_session(event, start="10:15", end="10:35", day=EVENT_DAY,
                            title="CRISPR hands-on")
    db.session.add(StarredSession(registration_id=krakow.id, session_id=workshop.id))
    db.session.commit()

    # The organizer runs the scheduler and publishes.
    board = f"/manage/{event.slug}/partnering/schedule"
    assert organizer.post(f"{board}/run", data={"version": "0"}).status_code in (302, 303)
    db.session.refresh(meeting)
    assert (meeting.state, meeting.slot_id, meeting.table_number) == (
        RequestState.ACCEPTED, slots[2].id, 1)
    published = organizer.post(f"{board}/publish", data={"version": "1"},
                               follow_redirects=True)
    assert "Schedule published" in published.get_data(as_text=True)

    # Both see the table and time on their private pages and in their calendars.
    agenda = attendee.get(f"{base}/meetings").get_data(as_text=True)
    assert "10:40" in agenda and "Jordi" in agenda and "Table 1" in agenda
    ics = attendee.get(f"/e/{event.slug}/r/{aragon.token}/event.ics").get_data(as_text=True)
    assert f"partnering-meeting-{meeting.id}@" in ics

    # At the desk the meeting is marked held.
    assert door.post(f"/checkin/{event.slug}/partnering/meetings/{meeting.id}/outcome",
                     data={"outcome": "held"}).status_code in (302, 303)
    db.session.refresh(meeting)
    assert meeting.outcome is MeetingOutcome.HELD

    # The organizer reports it to the funder.
    stats = organizer.get(f"/manage/{event.slug}/partnering/stats")
    assert stats.status_code == 200
    workbook = load_workbook(io.BytesIO(
        organizer.get(f"/manage/{event.slug}/partnering/stats.xlsx").data))
    rows = [tuple(c for c in row if c is not None) for sheet in workbook
            for row in sheet.iter_rows(values_only=True)]
    assert ("Held", 1) in rows
    assert ("Spain", "Poland", 1, 1) in rows or ("Poland", "Spain", 1, 1) in rows
