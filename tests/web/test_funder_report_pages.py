"""Funder report pages: the indicators page with charts, settings, and the downloads."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from conference.extensions import db
from conference.models import ExportLogEntry, Role
from conference.services.reports.settings import report_settings, save_report_settings
from tests.fixtures.badges import pdf_text
from tests.fixtures.cfp import image_bytes

DAY1 = dt.date(2026, 5, 12)


@pytest.fixture
def organizer(client, make_user, login):
    def make(event):
        login(client, make_user(Role.ORGANIZER, events=[event]))
        return client

    return make


@pytest.fixture
def came(daily_event, make_registration, attend):
    event = daily_event()
    for last, country in [("Nowak", "PL"), ("Novák", "CZ")]:
        attend(make_registration(event, last_name=last, country=country), DAY1)
    return event


def test_report_page_shows_indicators_and_bar_charts(organizer, came):
    page = organizer(came).get(f"/manage/{came.slug}/reports?lang=en").get_data(as_text=True)
    assert "Unique participants" in page and "50" in page
    assert 'class="report-chart"' in page and "<rect" in page
    assert "Czechia" in page


def _pdf_job(client, url):
    """Start a sheet as PDF (a job, run eagerly in tests); its job and the redirect."""
    from conference.models import Job

    response = client.post(url)
    job = db.session.execute(db.select(Job).order_by(Job.id.desc()).limit(1)).scalar_one()
    db.session.refresh(job)
    return job, response


def test_day_sheet_pdf_is_a_job_whose_page_shows_progress(organizer, came):
    from conference.models import JobState

    client = organizer(came)
    job, response = _pdf_job(client, f"/manage/{came.slug}/reports/attendance/"
                                     f"{DAY1.isoformat()}/pdf?lang=en")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/{came.slug}/jobs/{job.id}/")
    assert job.kind == "reports.attendance_pdf" and job.state is JobState.DONE
    assert (job.progress_done, job.progress_total) == (2, 2)
    page = client.get(f"/manage/{came.slug}/jobs/{job.id}/?lang=en").get_data(as_text=True)
    assert "Attendance list (PDF)" in page and f"/jobs/{job.id}/result" in page


def test_day_sheet_pdf_downloads_from_the_job_and_is_logged(organizer, came):
    client = organizer(came)
    job, _ = _pdf_job(client, f"/manage/{came.slug}/reports/attendance/"
                              f"{DAY1.isoformat()}/pdf?lang=en")
    assert not db.session.execute(db.select(ExportLogEntry)).scalars().all()
    response = client.get(f"/manage/{came.slug}/jobs/{job.id}/result")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith(
        f'{came.slug}-attendance-{DAY1.isoformat()}.pdf"')
    text = "\n".join(pdf_text(response.data))
    assert text.index("Novák") < text.index("Nowak") and "Page 1 of 1" in text
    [entry] = db.session.execute(db.select(ExportLogEntry)).scalars().all()
    assert entry.what == "job.reports.attendance_pdf" and entry.row_count == 2


def test_session_sheet_pdf_with_times_is_a_job_in_the_page_language(organizer, came,
                                                                     make_session):
    session = make_session(came, title="Warsztat CRISPR")
    client = organizer(came)
    job, _ = _pdf_job(client, f"/manage/{came.slug}/reports/attendance/session/"
                              f"{session.id}/pdf?times=1&lang=pl")
    assert job.params == {"day": None, "session_id": session.id, "times": True,
                          "language": "pl"}
    text = "\n".join(pdf_text(client.get(f"/manage/{came.slug}/jobs/{job.id}/result").data))
    assert "Lista obecności" in text and "Warsztat CRISPR" in text


def test_the_same_sheet_twice_joins_the_job_under_way(organizer, came):
    from conference.models import Job
    from conference.services.reports.sheet_jobs import start_attendance_pdf

    first, created = start_attendance_pdf(came, language="en", day=DAY1, user=None)
    db.session.commit()
    again, created_again = start_attendance_pdf(came, language="en", day=DAY1, user=None)
    assert created and not created_again and again.id == first.id
    assert db.session.execute(db.select(db.func.count()).select_from(Job)).scalar_one() == 1


def test_day_sheet_xlsx_downloads(organizer, came):
    response = organizer(came).get(
        f"/manage/{came.slug}/reports/attendance/{DAY1.isoformat()}.xlsx?times=1")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert len(rows) == 4


def test_a_day_outside_the_event_or_garbage_is_404(organizer, came):
    client = organizer(came)
    for day in ("2030-01-01", "yesterday", "2026-02-30"):
        base = f"/manage/{came.slug}/reports/attendance/{day}"
        assert client.post(f"{base}/pdf").status_code == 404
        assert client.get(f"{base}.xlsx").status_code == 404


def test_a_session_of_another_event_is_404(organizer, came, make_event, make_session):
    other = make_session(make_event())
    client = organizer(came)
    url = f"/manage/{came.slug}/reports/attendance/session/{other.id}/pdf"
    assert client.post(url).status_code == 404


def test_indicators_xlsx_downloads(organizer, came):
    response = organizer(came).get(f"/manage/{came.slug}/reports/indicators.xlsx?lang=en")
    workbook = load_workbook(io.BytesIO(response.data))
    assert ("Unique participants", 2) in list(workbook["Summary"].iter_rows(values_only=True))


def test_settings_save_types_and_the_funder_logo(organizer, make_event):
    event = make_event(language="en", languages="en")
    response = organizer(event).post(f"/manage/{event.slug}/reports", data={
        "funder_name-en": "Regional Programme", "organisation_types-en": "Company\nNGO",
        "funder_logo": (io.BytesIO(image_bytes()), "logo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    settings = report_settings(event)
    assert settings.organisation_types.exact("en") == "Company\nNGO"
    assert settings.funder_logo_filename


def test_a_fake_logo_gives_a_message(organizer, make_event):
    event = make_event()
    response = organizer(event).post(f"/manage/{event.slug}/reports", data={
        "funder_logo": (io.BytesIO(b"GIF89a not really"), "logo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "PNG or JPEG" in response.get_data(as_text=True)


def test_registration_form_asks_the_organisation_type_when_the_event_lists_types(
        client, make_event, make_ticket_type):
    event = make_event()
    make_ticket_type(event)
    assert 'name="organisation_type"' not in client.get(
        f"/e/{event.slug}/register").get_data(as_text=True)
    save_report_settings(event, funder_name="", organisation_types_text="Company\nNGO")
    db.session.commit()
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert 'name="organisation_type"' in page and ">NGO<" in page
