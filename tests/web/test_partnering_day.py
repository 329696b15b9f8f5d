"""Partnering-day pages: the participant's meetings (page, private page, calendar,
ratings), the organizer's table plan and statistics, and the partnering desk."""

from __future__ import annotations

import datetime as dt
import io

import icalendar
import pytest

from conference.extensions import db
from conference.models import Job, JobState, MeetingOutcome, MeetingRating, Role
from conference.services.programme.agenda import feed_for

START = dt.datetime(2026, 5, 12, 12, tzinfo=dt.UTC)  # 14:00 in Warsaw


@pytest.fixture
def scene(make_event, make_registration, make_partnering_settings, make_partnering_window,
          make_partnering_profile, make_meeting_request):
    """Anna (Kraków) meets Bea (Aragon) at table 7, 14:00 Warsaw time; published."""
    event = make_event()
    settings = make_partnering_settings(event, published_at=START - dt.timedelta(days=2))
    window = make_partnering_window(event, start=START, slots=3)
    anna = make_partnering_profile(event, make_registration(
        event, first_name="Anna", last_name="Kowalska", organization="Krakow Biotech"))
    bea = make_partnering_profile(
        event, make_registration(event, first_name="Bea", last_name="Ruiz", country="ES",
                                 organization="Aragon Health"),
        country="ES", description="Hospital network in Zaragoza.",
        offers=(("Research partner", "Clinical trials"),))
    meeting = make_meeting_request(anna, bea, slot_id=window.slots[0].id, table_number=7)
    return {"event": event, "settings": settings, "window": window, "anna": anna, "bea": bea,
            "meeting": meeting}


def _meetings_url(scene, who="anna"):
    registration = scene[who].registration
    return f"/e/{scene['event'].slug}/r/{registration.token}/partnering/meetings"


def _rating_url(scene, meeting_id, who="anna"):
    return f"{_meetings_url(scene, who)}/{meeting_id}/rating"


def test_meetings_page_shows_time_in_warsaw_table_partner_and_profile(client, scene):
    page = client.get(_meetings_url(scene)).get_data(as_text=True)
    assert "14:00" in page and "Table 7" in page
    assert "Bea Ruiz" in page and "Aragon Health" in page
    assert "Hospital network in Zaragoza." in page and "Clinical trials" in page


def test_meetings_page_hides_meetings_until_the_schedule_is_published(client, scene):
    scene["settings"].published_at = None
    db.session.commit()
    page = client.get(_meetings_url(scene)).get_data(as_text=True)
    assert "not published yet" in page and "Bea Ruiz" not in page


def test_meetings_page_of_someone_outside_partnering_says_so(client, scene, make_registration):
    outsider = make_registration(scene["event"])
    response = client.get(f"/e/{scene['event'].slug}/r/{outsider.token}/partnering/meetings")
    assert response.status_code == 200
    assert "not joined partnering" in response.get_data(as_text=True)


def test_private_page_shows_the_meetings_section_only_to_participants(client, scene,
                                                                      make_registration):
    anna = scene["anna"].registration
    page = client.get(f"/e/{scene['event'].slug}/r/{anna.token}/").get_data(as_text=True)
    assert "My partnering meetings" in page and "Bea Ruiz" in page
    outsider = make_registration(scene["event"])
    page = client.get(f"/e/{scene['event'].slug}/r/{outsider.token}/").get_data(as_text=True)
    assert "My partnering meetings" not in page


def test_registration_calendar_has_the_meeting_with_a_stable_uid_and_table(client, scene):
    anna = scene["anna"].registration
    body = client.get(f"/e/{scene['event'].slug}/r/{anna.token}/event.ics").data
    events = [c for c in icalendar.Calendar.from_ical(body).walk("VEVENT")
              if str(c["uid"]).startswith("partnering-meeting-")]
    assert [str(e["uid"]).split("@")[0] for e in events] == [
        f"partnering-meeting-{scene['meeting'].id}"]
    assert str(events[0]["location"]).startswith("Table 7")
    assert events[0].decoded("dtstart") == START
    assert "Bea Ruiz" in str(events[0]["summary"])


def test_personal_agenda_feed_has_the_meeting(client, scene):
    anna = scene["anna"].registration
    feed = feed_for(anna)
    db.session.commit()
    body = client.get(f"/e/{scene['event'].slug}/agenda/{feed.token}.ics").data
    uids = [str(c["uid"]) for c in icalendar.Calendar.from_ical(body).walk("VEVENT")]
    assert any(uid.startswith(f"partnering-meeting-{scene['meeting'].id}@") for uid in uids)


def test_rating_is_saved_after_the_meeting_was_held(client, scene):
    scene["meeting"].outcome = MeetingOutcome.HELD
    db.session.commit()
    meeting_id = scene["meeting"].id
    response = client.post(_rating_url(scene, meeting_id), data={
        f"m{meeting_id}-rating": "4", f"m{meeting_id}-follow_up": "y",
        f"m{meeting_id}-comment": "Promising"})
    assert response.status_code == 302
    rating = db.session.execute(db.select(MeetingRating)).scalar_one()
    assert (rating.rating, rating.follow_up, rating.comment) == (4, True, "Promising")


@pytest.mark.parametrize("value", ["9", "", "abc", "0"])
def test_a_bad_rating_gets_a_message_and_saves_nothing(client, scene, value):
    scene["meeting"].outcome = MeetingOutcome.HELD
    db.session.commit()
    meeting_id = scene["meeting"].id
    response = client.post(_rating_url(scene, meeting_id), data={f"m{meeting_id}-rating": value})
    assert response.status_code == 400
    assert "has-error" in response.get_data(as_text=True)
    assert db.session.execute(db.select(MeetingRating)).first() is None


def test_rating_a_meeting_before_it_started_is_refused_with_a_message(client, scene):
    meeting_id = scene["meeting"].id  # its slot is in May 2026: not started
    scene["meeting"].slot.starts_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    db.session.commit()
    response = client.post(_rating_url(scene, meeting_id), data={f"m{meeting_id}-rating": "3"})
    assert response.status_code == 400
    assert "once it has started" in response.get_data(as_text=True)


def test_rating_someone_elses_meeting_is_404(client, scene, make_partnering_profile,
                                            make_meeting_request):
    other = make_meeting_request(make_partnering_profile(scene["event"]),
                                 make_partnering_profile(scene["event"]),
                                 outcome=MeetingOutcome.HELD,
                                 slot_id=scene["window"].slots[1].id, table_number=1)
    response = client.post(_rating_url(scene, other.id), data={f"m{other.id}-rating": "3"})
    assert response.status_code == 404


def test_rating_a_meeting_of_another_event_is_404(client, scene, make_event,
                                                  make_partnering_profile,
                                                  make_meeting_request):
    elsewhere = make_event()
    other = make_meeting_request(make_partnering_profile(elsewhere),
                                 make_partnering_profile(elsewhere))
    response = client.post(_rating_url(scene, other.id), data={f"m{other.id}-rating": "3"})
    assert response.status_code == 404


# ---------------------------------------------------------------- organizer


@pytest.fixture
def organizer_client(client, login, make_user, scene):
    login(client, make_user(Role.ORGANIZER, events=[scene["event"]]))
    return client


def test_table_plan_lists_each_slot_with_its_pairs(organizer_client, scene):
    page = organizer_client.get(f"/manage/{scene['event'].slug}/partnering/tables")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "14:00" in text and "Anna Kowalska" in text and "Bea Ruiz" in text


def test_table_sheet_of_a_table_beyond_the_count_is_404(organizer_client, scene):
    response = organizer_client.get(f"/manage/{scene['event'].slug}/partnering/tables/11.pdf")
    assert response.status_code == 404


def test_statistics_page_shows_figures_and_pairs(organizer_client, scene):
    scene["meeting"].outcome = MeetingOutcome.HELD
    db.session.commit()
    text = organizer_client.get(f"/manage/{scene['event'].slug}/partnering/stats").get_data(
        as_text=True)
    assert "Partnering statistics" in text and "Spain – Poland" in text
    assert "<svg" in text


def test_statistics_workbook_has_the_summary_and_the_country_pairs(organizer_client, scene):
    from openpyxl import load_workbook

    response = organizer_client.get(f"/manage/{scene['event'].slug}/partnering/stats.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Scheduled meetings"] == 1
    assert summary["International share of scheduled meetings (%)"] == 100.0
    pairs = list(workbook["Country pairs"].iter_rows(values_only=True))
    assert pairs[1] == ("Spain", "Poland", 1, 0)


@pytest.mark.pdf
def test_all_table_sheets_start_a_job_and_lead_to_its_page(organizer_client, scene):
    response = organizer_client.post(f"/manage/{scene['event'].slug}/partnering/tables/documents",
                                     data={"document": "sheets"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.execute(db.select(Job)).scalar_one()
    assert (job.kind, job.state) == ("partnering.table_sheets", JobState.DONE)
    job_page = organizer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Partnering table sheets (PDF)" in job_page
    download = organizer_client.get(f"/manage/{scene['event'].slug}/jobs/{job.id}/result")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_an_unknown_document_is_a_400(organizer_client, scene):
    response = organizer_client.post(f"/manage/{scene['event'].slug}/partnering/tables/documents",
                                     data={"document": "everything"})
    assert response.status_code == 400
    assert db.session.execute(db.select(Job)).first() is None


def test_funder_reports_page_links_the_partnering_statistics(organizer_client, scene):
    text = organizer_client.get(f"/manage/{scene['event'].slug}/reports").get_data(as_text=True)
    assert f"/manage/{scene['event'].slug}/partnering/stats" in text


def test_funder_reports_page_of_an_event_without_partnering_has_no_such_link(
        client, login, make_user, make_event):
    event = make_event()
    login(client, make_user(Role.ORGANIZER, events=[event]))
    text = client.get(f"/manage/{event.slug}/reports").get_data(as_text=True)
    assert "/partnering/stats" not in text


@pytest.mark.pdf
def test_meetings_pdf_is_a_pdf_of_the_persons_meetings(client, scene):
    response = client.get(_meetings_url(scene) + ".pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    assert response.headers["Cache-Control"] == "no-store"


def test_meetings_pdf_of_someone_outside_partnering_is_404(client, scene, make_registration):
    outsider = make_registration(scene["event"])
    response = client.get(f"/e/{scene['event'].slug}/r/{outsider.token}/partnering/meetings.pdf")
    assert response.status_code == 404


def test_rating_form_is_not_offered_for_a_no_show(client, scene):
    scene["meeting"].outcome = MeetingOutcome.NO_SHOW
    db.session.commit()
    page = client.get(_meetings_url(scene)).get_data(as_text=True)
    assert "Marked as a no-show" in page and "rating-form" not in page
