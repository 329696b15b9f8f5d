"""Partnering settings and profiles: the organizer's lists and limits; join, edit, leave."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import (
    FunderReportSettings,
    MeetingRequest,
    OutboxMessage,
    RegistrationState,
    RequestState,
)
from conference.services.partnering import profiles, settings
from conference.services.partnering.errors import (
    AlreadyParticipant,
    InvalidPartneringSettings,
    InvalidProfile,
    NotAParticipant,
    PartneringClosed,
)
from conference.services.partnering.profiles import ProfileInput

NOW = dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)


@pytest.fixture
def make_event(make_event):
    """Events whose default language is English, the language of the fixtures' list keys."""
    return lambda **fields: make_event(**{"language": "en", "languages": "en,pl", **fields})


def _input(**fields) -> ProfileInput:
    values = {"country": "PL", "sectors": ["Biotechnology"], "description": "We build assays.",
              "offers": [("Licensing", "Assay platform")],
              "requests": [("Investment", "Series A")]}
    values.update(fields)
    return ProfileInput(**values)


# --- settings --------------------------------------------------------------------------------

def test_settings_of_an_event_without_a_row_are_switched_off(make_event):
    event = make_event()
    assert settings.partnering_settings(event).enabled is False
    assert settings.is_enabled(event) is False


def test_saved_settings_keep_lists_per_language_and_limits(make_event):
    event = make_event()
    settings.save_settings(event, enabled=True,
                           sectors={"en": "Biotech\n\n Pharma ", "pl": "Biotechnologia\nFarmacja"},
                           cooperation_types={"en": "Licensing", "pl": "Licencje"},
                           max_requests_sent="10", max_meetings=8)
    db.session.commit()
    assert settings.is_enabled(event)
    assert settings.sector_choices(event, "pl") == [("Biotech", "Biotechnologia"),
                                                    ("Pharma", "Farmacja")]
    assert settings.cooperation_type_choices(event, "en") == [("Licensing", "Licensing")]
    row = settings.partnering_settings(event)
    assert (row.max_requests_sent, row.max_meetings) == (10, 8)


@pytest.mark.parametrize("field,value", [("max_requests_sent", 0), ("max_requests_sent", "x"),
                                         ("max_meetings", 10_000), ("max_meetings", -1)])
def test_limits_outside_their_range_are_refused_naming_the_field(make_event, field, value):
    event = make_event()
    limits = {"max_requests_sent": 10, "max_meetings": 5, field: value}
    with pytest.raises(InvalidPartneringSettings) as error:
        settings.save_settings(event, enabled=True, sectors="", cooperation_types="", **limits)
    assert error.value.details["field"] == field


def test_a_list_with_too_long_a_line_is_refused(make_event):
    with pytest.raises(InvalidPartneringSettings) as error:
        settings.save_settings(make_event(), enabled=True, sectors="x" * 101,
                               cooperation_types="", max_requests_sent=1, max_meetings=1)
    assert error.value.details["field"] == "sectors"


# --- joining ---------------------------------------------------------------------------------

def test_a_confirmed_attendee_joins_with_a_profile(make_event, make_registration,
                                                   make_partnering_settings):
    event = make_event()
    make_partnering_settings(event)
    registration = make_registration(event)
    profile = profiles.join(registration, _input(sectors=["Pharma", "Biotechnology"]), now=NOW)
    db.session.commit()
    assert profile.is_active and profile.joined_at == NOW
    assert profile.sector_list == ["Biotechnology", "Pharma"]  # the event's order
    assert [(n.kind.value, n.cooperation_type) for n in profile.needs] == [
        ("offer", "Licensing"), ("request", "Investment")]


def test_joining_is_refused_while_partnering_is_off(make_event, make_registration,
                                                    make_partnering_settings):
    event = make_event()
    make_partnering_settings(event, enabled=False)
    with pytest.raises(PartneringClosed):
        profiles.join(make_registration(event), _input())


@pytest.mark.parametrize("state", [RegistrationState.PENDING, RegistrationState.WAITLISTED,
                                   RegistrationState.CANCELLED])
def test_only_confirmed_registrations_may_join(make_event, make_registration,
                                               make_partnering_settings, state):
    event = make_event()
    make_partnering_settings(event)
    with pytest.raises(PartneringClosed):
        profiles.join(make_registration(event, state=state), _input())


def test_joining_twice_is_refused(make_event, make_registration, make_partnering_settings):
    event = make_event()
    make_partnering_settings(event)
    registration = make_registration(event)
    profiles.join(registration, _input())
    db.session.commit()
    with pytest.raises(AlreadyParticipant):
        profiles.join(registration, _input())


@pytest.mark.parametrize("fields,field", [
    ({"country": "XX"}, "country"),
    ({"country": ""}, "country"),
    ({"sectors": ["Astrology"]}, "sectors"),
    ({"description": "x" * 2001}, "description"),
    ({"description": "bad\x00byte"}, "description"),
    ({"offers": [("Bribery", "no")]}, "offers"),
    ({"offers": [], "requests": []}, "offers"),
    ({"requests": [("Investment", "x")] * 11}, "requests"),
    ({"organisation_type": "Secret society"}, "organisation_type"),
])
def test_bad_profile_input_is_refused_naming_the_field(make_event, make_registration,
                                                       make_partnering_settings, fields, field):
    event = make_event()
    make_partnering_settings(event)
    with pytest.raises(InvalidProfile) as error:
        profiles.join(make_registration(event), _input(**fields))
    assert error.value.details["field"] == field


def test_organisation_type_comes_from_the_events_list(make_event, make_registration,
                                                      make_partnering_settings):
    event = make_event()
    make_partnering_settings(event)
    db.session.add(FunderReportSettings(event_id=event.id,
                                        organisation_types="Company\nUniversity"))
    db.session.commit()
    profile = profiles.join(make_registration(event), _input(organisation_type="University"))
    assert profile.organisation_type == "University"


def test_editing_replaces_the_needs(make_event, make_registration, make_partnering_settings):
    event = make_event()
    make_partnering_settings(event)
    profile = profiles.join(make_registration(event), _input())
    db.session.commit()
    profiles.update_profile(profile, _input(offers=[("Supplier", "Reagents")], requests=[]))
    db.session.commit()
    assert [(n.kind.value, n.cooperation_type, n.text) for n in profile.needs] == [
        ("offer", "Supplier", "Reagents")]


# --- leaving ---------------------------------------------------------------------------------

def test_leaving_closes_every_open_request_and_tells_the_other_sides(
        make_event, make_partnering_settings, make_partnering_profile, make_meeting_request,
        make_partnering_window):
    event = make_event()
    make_partnering_settings(event)
    me, a, b, c = (make_partnering_profile(event) for _ in range(4))
    slot = make_partnering_window(event).slots[0]
    sent = make_meeting_request(me, a, RequestState.PENDING)
    received = make_meeting_request(b, me, RequestState.PENDING)
    meeting = make_meeting_request(me, c, slot_id=slot.id, table_number=3, locked=True)
    profiles.leave(me, now=NOW)
    db.session.commit()
    assert me.left_at == NOW
    assert sent.state is RequestState.WITHDRAWN
    assert received.state is RequestState.DECLINED
    assert meeting.state is RequestState.CANCELLED
    assert (meeting.slot_id, meeting.table_number, meeting.locked) == (None, None, False)
    told = {m.recipient for m in db.session.execute(
        db.select(OutboxMessage).filter_by(kind="partnering.partner_left")).scalars()}
    assert told == {a.registration.email, b.registration.email, c.registration.email}


def test_leaving_twice_is_refused(make_event, make_partnering_settings,
                                  make_partnering_profile):
    event = make_event()
    make_partnering_settings(event)
    profile = make_partnering_profile(event)
    profiles.leave(profile)
    db.session.commit()
    with pytest.raises(NotAParticipant):
        profiles.leave(profile)


def test_a_person_who_left_can_join_again(make_event, make_partnering_settings,
                                          make_partnering_profile):
    event = make_event()
    make_partnering_settings(event)
    profile = make_partnering_profile(event)
    profiles.leave(profile, now=NOW)
    db.session.commit()
    again = profiles.join(profile.registration, _input(description="Back again"),
                          now=NOW + dt.timedelta(days=1))
    db.session.commit()
    assert again.id == profile.id and again.is_active
    assert again.description == "Back again"
    assert db.session.execute(db.select(db.func.count()).select_from(MeetingRequest)
                              ).scalar_one() == 0


def test_cancelling_the_registration_takes_the_person_out_of_partnering(
        make_event, make_partnering_settings, make_partnering_profile, make_meeting_request):
    from conference.services.registration.core import cancel

    event = make_event(language="en", languages="en,pl")
    make_partnering_settings(event)
    leaving, partner = make_partnering_profile(event), make_partnering_profile(event)
    meeting = make_meeting_request(leaving, partner)
    cancel(leaving.registration, by_user=None)
    assert leaving.left_at is not None
    assert meeting.state is RequestState.CANCELLED and meeting.slot_id is None
    told = db.session.execute(db.select(OutboxMessage).filter_by(
        kind="partnering.partner_left", recipient=partner.registration.email)).scalars().all()
    assert len(told) == 1
