"""Partnering pages: joining from the private page, the profile form, the directory, a
profile with the request form, answering requests, leaving; the organizer's hub,
settings, participants list and exports."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import (
    ExportLogEntry,
    MeetingRequest,
    PartneringSettings,
    RegistrationState,
    RequestState,
    Role,
)


@pytest.fixture
def event(make_event, make_partnering_settings):
    event = make_event(language="en", languages="en,pl")
    make_partnering_settings(event)
    return event


def _base(registration) -> str:
    return f"/e/{registration.event.slug}/r/{registration.token}/partnering"


def _profile_form(**fields) -> dict:
    data = {"country": "ES", "sectors": ["Digital health"], "description": "Wearables",
            "offer_type_0": "Supplier", "offer_text_0": "Sensors",
            "request_type_0": "Investment", "request_text_0": "Seed round"}
    data.update(fields)
    return data


def test_the_private_page_offers_to_join_partnering(client, event, make_registration):
    registration = make_registration(event)
    page = client.get(f"/e/{event.slug}/r/{registration.token}/").get_data(as_text=True)
    assert "Join partnering" in page and f"{_base(registration)}/profile" in page


def test_the_private_page_says_nothing_of_partnering_while_it_is_off(
        client, make_event, make_registration, make_partnering_settings):
    event = make_event()
    make_partnering_settings(event, enabled=False)
    registration = make_registration(event)
    page = client.get(f"/e/{event.slug}/r/{registration.token}/").get_data(as_text=True)
    assert "partnering" not in page.lower()


def test_joining_through_the_form_creates_the_profile(client, event, make_registration):
    registration = make_registration(event)
    response = client.post(f"{_base(registration)}/profile", data=_profile_form())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Welcome to partnering" in page and "Find partners" in page


def test_a_bad_profile_is_shown_again_with_the_message(client, event, make_registration):
    registration = make_registration(event)
    response = client.post(f"{_base(registration)}/profile",
                           data=_profile_form(offer_type_0="Bribery", request_type_0=""))
    assert response.status_code == 400
    assert "Choose a cooperation type from the list." in response.get_data(as_text=True)


def test_a_pending_registration_cannot_join(client, event, make_registration):
    registration = make_registration(event, state=RegistrationState.PENDING)
    response = client.post(f"{_base(registration)}/profile", data=_profile_form())
    assert response.status_code == 302
    assert db.session.execute(db.select(db.func.count()).select_from(MeetingRequest)
                              ).scalar_one() == 0
    page = client.get(f"{_base(registration)}/").get_data(as_text=True)
    assert "open to confirmed participants" in page


def test_the_directory_finds_a_partner_by_text(client, event, make_registration,
                                               make_partnering_profile):
    me = make_partnering_profile(event)
    make_partnering_profile(event, make_registration(event, first_name="Jordi",
                                                     organization="Aragon Health"),
                            description="Telemedicine in Zaragoza")
    make_partnering_profile(event, make_registration(event, first_name="Kasia"))
    page = client.get(f"{_base(me.registration)}/directory?q=zaragoza").get_data(as_text=True)
    assert "Jordi" in page and "Kasia" not in page and "1 participant found" in page


def test_hostile_directory_filters_are_ignored(client, event, make_partnering_profile):
    me = make_partnering_profile(event)
    response = client.get(f"{_base(me.registration)}/directory?sector=a%01b&country="
                          + "x" * 5000 + "&page=99999999999999999999&offer=%E2%80%AE")
    assert response.status_code == 200


def test_the_directory_sends_non_participants_to_the_join_page(client, event,
                                                                make_registration):
    registration = make_registration(event)
    response = client.get(f"{_base(registration)}/directory")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"{_base(registration)}/")


def test_sending_a_request_from_a_profile_page(client, event, make_partnering_profile):
    me, other = make_partnering_profile(event), make_partnering_profile(event)
    page = client.get(f"{_base(me.registration)}/p/{other.id}").get_data(as_text=True)
    assert "Send a meeting request" in page
    response = client.post(f"{_base(me.registration)}/p/{other.id}/request",
                           data={"message": "Coffee?"})
    assert response.status_code == 302
    request = db.session.execute(db.select(MeetingRequest)).scalar_one()
    assert (request.requester_id, request.recipient_id, request.message) == (
        me.id, other.id, "Coffee?")


def test_a_double_request_shows_the_message(client, event, make_partnering_profile,
                                            make_meeting_request):
    me, other = make_partnering_profile(event), make_partnering_profile(event)
    make_meeting_request(other, me, RequestState.PENDING)
    response = client.post(f"{_base(me.registration)}/p/{other.id}/request",
                           data={"message": "Coffee?"})
    assert response.status_code == 400
    assert "already an open request" in response.get_data(as_text=True)


def test_a_profile_of_another_event_is_not_found(client, event, make_event,
                                                 make_partnering_profile,
                                                 make_partnering_settings):
    me = make_partnering_profile(event)
    other_event = make_event()
    make_partnering_settings(other_event)
    stranger = make_partnering_profile(other_event)
    assert client.get(f"{_base(me.registration)}/p/{stranger.id}").status_code == 404
    assert client.post(f"{_base(me.registration)}/p/{stranger.id}/request",
                       data={"message": "x"}).status_code == 404


def test_the_recipient_accepts_from_the_partnering_page(client, event,
                                                        make_partnering_profile,
                                                        make_meeting_request):
    me, other = make_partnering_profile(event), make_partnering_profile(event)
    request = make_meeting_request(other, me, RequestState.PENDING)
    page = client.get(f"{_base(me.registration)}/").get_data(as_text=True)
    assert f"/requests/{request.id}/accept" in page
    client.post(f"{_base(me.registration)}/requests/{request.id}/accept")
    db.session.refresh(request)
    assert request.state is RequestState.ACCEPTED


def test_declining_with_a_reason(client, event, make_partnering_profile,
                                 make_meeting_request):
    me, other = make_partnering_profile(event), make_partnering_profile(event)
    request = make_meeting_request(other, me, RequestState.PENDING)
    client.post(f"{_base(me.registration)}/requests/{request.id}/decline",
                data={"reason": "Not our field"})
    db.session.refresh(request)
    assert (request.state, request.reason) == (RequestState.DECLINED, "Not our field")


def test_someone_elses_request_cannot_be_answered(client, event, make_partnering_profile,
                                                  make_meeting_request):
    a, b, stranger = (make_partnering_profile(event) for _ in range(3))
    request = make_meeting_request(a, b, RequestState.PENDING)
    response = client.post(f"{_base(stranger.registration)}/requests/{request.id}/accept",
                           follow_redirects=True)
    assert "This request is not yours." in response.get_data(as_text=True)
    db.session.refresh(request)
    assert request.state is RequestState.PENDING


def test_leaving_from_the_partnering_page(client, event, make_partnering_profile,
                                          make_meeting_request):
    me, other = make_partnering_profile(event), make_partnering_profile(event)
    meeting = make_meeting_request(me, other)
    client.post(f"{_base(me.registration)}/leave")
    db.session.refresh(me)
    db.session.refresh(meeting)
    assert me.left_at is not None and meeting.state is RequestState.CANCELLED


def test_the_private_page_lists_requests_and_meetings(client, event, make_partnering_profile,
                                                      make_registration, make_meeting_request):
    me = make_partnering_profile(event)
    other = make_partnering_profile(event, make_registration(event, first_name="Jordi"))
    make_meeting_request(other, me, RequestState.PENDING, message="Hola")
    page = client.get(f"/e/{event.slug}/r/{me.registration.token}/").get_data(as_text=True)
    assert "Requests to you (1)" in page and "Jordi" in page and "Hola" in page


# --- organizer -------------------------------------------------------------------------------

@pytest.fixture
def organizer_client(client, event, make_user, login):
    login(client, make_user(Role.ORGANIZER, events=[event]))
    return client


def test_the_hub_counts_participants_and_requests(organizer_client, event,
                                                  make_partnering_profile,
                                                  make_meeting_request):
    a, b, c = (make_partnering_profile(event) for _ in range(3))
    make_meeting_request(a, b)
    make_meeting_request(a, c, RequestState.PENDING)
    page = organizer_client.get(f"/manage/{event.slug}/partnering/").get_data(as_text=True)
    assert "Participants</dt><dd>3" in page and "Meetings agreed</dt><dd>1" in page


def test_the_organizer_saves_the_settings(organizer_client, event):
    response = organizer_client.post(f"/manage/{event.slug}/partnering/settings", data={
        "enabled": "y", "sectors-en": "Biotech\nMedtech", "sectors-pl": "Biotech\nMedtech",
        "cooperation_types-en": "Licensing", "max_requests_sent": "9", "max_meetings": "7"})
    assert response.status_code == 302
    settings = db.session.execute(db.select(PartneringSettings)).scalar_one()
    db.session.refresh(settings)
    assert (settings.max_requests_sent, settings.max_meetings) == (9, 7)
    assert settings.sectors.exact("en") == "Biotech\nMedtech"


def test_settings_with_a_limit_out_of_range_are_refused(organizer_client, event):
    response = organizer_client.post(f"/manage/{event.slug}/partnering/settings", data={
        "max_requests_sent": "0", "max_meetings": "100000"})
    assert response.status_code == 400


def test_the_participants_list_and_its_logged_export(organizer_client, event,
                                                     make_registration,
                                                     make_partnering_profile,
                                                     make_meeting_request):
    a = make_partnering_profile(event, make_registration(event, first_name="Jordi"),
                                country="ES")
    b = make_partnering_profile(event)
    make_meeting_request(a, b)
    page = organizer_client.get(f"/manage/{event.slug}/partnering/participants")
    assert "Jordi" in page.get_data(as_text=True)
    csv = organizer_client.get(f"/manage/{event.slug}/partnering/participants.csv")
    assert csv.status_code == 200 and "Jordi" in csv.get_data(as_text=True)
    xlsx = organizer_client.get(f"/manage/{event.slug}/partnering/participants.xlsx")
    assert xlsx.data[:2] == b"PK"
    logged = [row.what for row in db.session.execute(db.select(ExportLogEntry)).scalars()]
    assert logged == ["partnering.participants.csv", "partnering.participants.xlsx"]


def test_an_organizer_of_another_event_cannot_export(client, event, make_event, make_user,
                                                     login):
    login(client, make_user(Role.ORGANIZER, events=[make_event()]))
    assert client.get(f"/manage/{event.slug}/partnering/participants.csv").status_code == 403


def test_the_profile_form_shows_the_saved_profile(client, event, make_partnering_profile):
    me = make_partnering_profile(event, offers=[("Supplier", "Reagent kits")])
    page = client.get(f"{_base(me.registration)}/profile").get_data(as_text=True)
    assert "Edit my partnering profile" in page and 'value="Reagent kits"' in page


def test_a_person_who_left_joins_again_through_the_form(client, event,
                                                        make_partnering_profile):
    me = make_partnering_profile(event)
    client.post(f"{_base(me.registration)}/leave")
    response = client.post(f"{_base(me.registration)}/profile", data=_profile_form())
    assert response.status_code == 302
    db.session.refresh(me)
    assert me.is_active and me.country == "ES"


def test_the_event_overview_links_to_partnering(organizer_client, event):
    page = organizer_client.get(f"/manage/{event.slug}/").get_data(as_text=True)
    assert f"/manage/{event.slug}/partnering/" in page
