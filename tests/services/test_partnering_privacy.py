"""Partnering under the privacy rules: anonymisation blanks the free texts but keeps what
statistics need; the data export contains the person's partnering data."""

from __future__ import annotations

import datetime as dt
import json

from conference.extensions import db
from conference.models import MeetingRating, MeetingRequest, PartneringProfile, RequestState
from conference.services.privacy.anonymise import anonymise_registrations
from conference.services.privacy.rights import personal_data

NOW = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)


def _world(make_event, make_partnering_settings, make_partnering_profile,
           make_meeting_request):
    event = make_event(language="en", languages="en,pl")
    make_partnering_settings(event)
    me = make_partnering_profile(event, description="Secret description of mine",
                                 country="FR", organisation_type="Company",
                                 offers=[("Licensing", "Secret offer text")], requests=())
    other = make_partnering_profile(event, description="Other description")
    meeting = make_meeting_request(me, other, message="Secret message", reason="")
    db.session.add(MeetingRating(request_id=meeting.id, profile_id=other.id, rating=4,
                                 comment="Secret comment about them", follow_up=True))
    db.session.commit()
    return event, me, other, meeting


def test_anonymising_blanks_partnering_texts_and_keeps_the_figures(
        make_event, make_partnering_settings, make_partnering_profile, make_meeting_request):
    event, me, other, meeting = _world(make_event, make_partnering_settings,
                                       make_partnering_profile, make_meeting_request)
    anonymise_registrations(event, [me.registration_id], NOW)
    db.session.commit()
    profile = db.session.get(PartneringProfile, me.id)
    assert profile.description == "" and [n.text for n in profile.needs] == [""]
    assert (profile.country, profile.organisation_type, profile.sector_list) == (
        "FR", "Company", ["Biotechnology"])
    assert [n.cooperation_type for n in profile.needs] == ["Licensing"]
    request = db.session.get(MeetingRequest, meeting.id)
    assert request.message == "" and request.state is RequestState.ACCEPTED
    rating = db.session.execute(db.select(MeetingRating)).scalar_one()
    assert (rating.comment, rating.rating, rating.follow_up) == ("", 4, True)
    assert db.session.get(PartneringProfile, other.id).description == "Other description"


def test_the_data_export_contains_the_partnering_profile_and_requests(
        make_event, make_partnering_settings, make_partnering_profile, make_meeting_request):
    _event, me, _other, _meeting = _world(make_event, make_partnering_settings,
                                          make_partnering_profile, make_meeting_request)
    data = personal_data(me.registration)
    text = json.dumps(data, ensure_ascii=False)
    assert data["partnering"]["profile"]["description"] == "Secret description of mine"
    assert "Secret offer text" in text and "Secret message" in text
    assert data["partnering"]["requests"][0]["direction"] == "sent"


def test_the_data_export_of_someone_who_never_joined_has_no_partnering(make_registration,
                                                                       make_event):
    assert personal_data(make_registration(make_event()))["partnering"] is None
