"""Funder reports from the check-in records: attendance sheets (rows, order, PDF "page N
of M", XLSX) and the participant indicators."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from conference.content import LocalizedText
from conference.extensions import db
from conference.services.certificates.errors import InvalidImage
from conference.services.reports.attendance import day_sheet, session_sheet
from conference.services.reports.documents import (
    attendance_pdf,
    attendance_xlsx,
    indicators_xlsx,
)
from conference.services.reports.indicators import compute_indicators
from conference.services.reports.settings import (
    InvalidOrganisationType,
    InvalidOrganisationTypes,
    clean_organisation_type,
    funder_logo_path,
    organisation_types,
    save_report_settings,
)
from tests.fixtures.badges import pdf_text
from tests.fixtures.cfp import image_bytes

DAY1, DAY2 = dt.date(2026, 5, 12), dt.date(2026, 5, 13)


@pytest.fixture
def attended(daily_event, make_registration, attend):
    """Three people on day 1 (one of them also on day 2), one who never came."""
    event = daily_event()
    people = {}
    for first, last, country, kind in [("Zofia", "Żak", "PL", "University"),
                                       ("Adam", "Abel", "CZ", "Company"),
                                       ("Łucja", "Łoś", "DE", "")]:
        people[last] = make_registration(event, first_name=first, last_name=last,
                                         country=country, organisation_type=kind,
                                         organization=f"{last} Org")
    make_registration(event, last_name="Absent")
    attend(people["Żak"], DAY1, "09:05")
    attend(people["Abel"], DAY1, "08:40")
    attend(people["Łoś"], DAY1, "10:15")
    attend(people["Abel"], DAY2, "09:00")
    return event, people


# --- Attendance sheets -------------------------------------------------------------------

def test_a_day_sheet_lists_who_checked_in_that_day_sorted_by_last_name(attended):
    event, _people = attended
    assert [r.last_name for r in day_sheet(event, DAY1)] == ["Abel", "Łoś", "Żak"]
    assert [r.last_name for r in day_sheet(event, DAY2)] == ["Abel"]


def test_a_day_sheet_gives_the_first_check_in_time(attended):
    event, _people = attended
    [abel] = day_sheet(event, DAY2)
    assert abel.checked_in_at.astimezone(event.tz).strftime("%H:%M") == "09:00"


def test_a_session_sheet_lists_who_checked_in_at_the_session(
        daily_event, make_registration, make_session, attend):
    event = daily_event()
    workshop = make_session(event, seat_capacity=None)
    came = make_registration(event, last_name="Came")
    other = make_registration(event, last_name="EntranceOnly")
    attend(came, DAY1, "10:05", session=workshop)
    attend(other, DAY1, "09:00")
    assert [r.last_name for r in session_sheet(workshop)] == ["Came"]


def test_attendance_pdf_numbers_pages_and_keeps_the_order(app, daily_event, make_registration,
                                                          attend):
    event = daily_event()
    for n in range(60):  # more than fit on one A4 page
        attend(make_registration(event, first_name="P", last_name=f"Name{n:02d}"), DAY1)
    rows = day_sheet(event, DAY1)
    pages = pdf_text(attendance_pdf(event, "Attendance list", rows, language="en"))
    assert len(pages) >= 2
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    names = re.findall(r"Name\d\d", "\n".join(pages))
    assert names == sorted(names) and len(names) == 60


def test_attendance_pdf_with_times_prints_the_check_in_time(attended):
    event, _people = attended
    text = "\n".join(pdf_text(attendance_pdf(event, "Day 1", day_sheet(event, DAY1),
                                             language="en", with_times=True)))
    assert "08:40" in text and "Signature" in text


def test_attendance_xlsx_has_a_row_per_person_and_neutralised_names(
        daily_event, make_registration, attend):
    event = daily_event()
    attend(make_registration(event, first_name="Eve", last_name="=HYPERLINK(\"x\")"), DAY1)
    attend(make_registration(event, first_name="Bob", last_name="Adams"), DAY1)
    data = attendance_xlsx(event, "Day 1", day_sheet(event, DAY1), language="en",
                           with_times=True)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[1][-2:] == ("Checked in", "Signature")
    assert {row[1] for row in rows[2:]} == {"Adams", "'=HYPERLINK(\"x\")"}
    assert all(row[-1] in (None, "") for row in rows[2:])


# --- Indicators --------------------------------------------------------------------------

def test_indicators_count_unique_participants_from_check_ins(attended):
    event, _people = attended
    figures = compute_indicators(event)
    assert figures.unique_participants == 3


def test_indicators_per_country_and_international_share(attended):
    event, _people = attended
    figures = compute_indicators(event)
    assert dict(figures.per_country) == {"PL": 1, "CZ": 1, "DE": 1}
    assert figures.international == 2
    assert figures.international_share == pytest.approx(2 / 3)


def test_indicators_per_day_and_organisation_type(attended):
    event, _people = attended
    figures = compute_indicators(event)
    assert figures.per_day == [(DAY1, 3), (DAY2, 1), (dt.date(2026, 5, 14), 0)]
    assert dict(figures.per_organisation_type) == {"University": 1, "Company": 1, "": 1}


def test_indicators_per_session(daily_event, make_registration, make_session, attend):
    event = daily_event()
    workshop = make_session(event, seat_capacity=None)
    for _n in range(2):
        attend(make_registration(event), DAY1, "10:05", session=workshop)
    assert compute_indicators(event).per_session == [(workshop, 2)]


def test_indicators_of_an_event_without_check_ins_are_zero(make_event):
    figures = compute_indicators(make_event())
    assert (figures.unique_participants, figures.international_share) == (0, 0.0)


def test_indicators_xlsx_has_the_tables(attended):
    event, _people = attended
    workbook = load_workbook(io.BytesIO(indicators_xlsx(event, compute_indicators(event),
                                                        language="en")))
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert ("Unique participants", 3) in summary
    assert ("International share (%)", 66.7) in summary
    assert ("Czechia", 1) in list(workbook["Countries"].iter_rows(values_only=True))


# --- Settings ----------------------------------------------------------------------------

def test_organisation_types_are_offered_in_the_reader_language(make_event):
    event = make_event(language="pl", languages="pl,en")
    save_report_settings(event, funder_name="FEM", organisation_types_text=LocalizedText(
        {"pl": "Firma\nUczelnia", "en": "Company\nUniversity"}))
    db.session.commit()
    assert organisation_types(event, "en") == [("Firma", "Company"), ("Uczelnia", "University")]
    assert clean_organisation_type(event, "Uczelnia") == "Uczelnia"
    with pytest.raises(InvalidOrganisationType):
        clean_organisation_type(event, "Pirates")


def test_too_many_organisation_types_are_refused(make_event):
    with pytest.raises(InvalidOrganisationTypes):
        save_report_settings(make_event(), funder_name="",
                             organisation_types_text="\n".join(f"T{n}" for n in range(30)))


def test_the_funder_logo_is_checked_and_stored_as_png(make_event):
    event = make_event()
    save_report_settings(event, funder_name="", organisation_types_text="",
                         funder_logo=image_bytes("JPEG"))
    db.session.commit()
    assert funder_logo_path(event).read_bytes().startswith(b"\x89PNG")
    with pytest.raises(InvalidImage):
        save_report_settings(event, funder_name="", organisation_types_text="",
                             funder_logo=b"<svg onload=alert(1)>")


def test_registration_stores_the_chosen_organisation_type(make_event, make_ticket_type,
                                                          sign_up):
    from conference.services.registration.attendee_input import InvalidDetails

    event = make_event()
    save_report_settings(event, funder_name="", organisation_types_text="Company\nNGO")
    db.session.commit()
    ticket = make_ticket_type(event)
    assert sign_up(event, ticket, organisation_type="NGO").organisation_type == "NGO"
    with pytest.raises(InvalidDetails):
        sign_up(event, ticket, organisation_type="Pirates")


# --- Attendance sheets as PDF jobs --------------------------------------------------------

def test_a_pdf_sheet_job_reads_the_check_ins_at_run_time(attended, make_registration, attend):
    from conference.models import JobState
    from conference.services.jobs.core import result_file, run_job
    from conference.services.reports.sheet_jobs import (
        build_attendance_pdf,
        start_attendance_pdf,
    )

    event, _people = attended
    job, _ = start_attendance_pdf(event, language="en", day=DAY1, user=None)
    db.session.commit()
    attend(make_registration(event, last_name="Latecomer"), DAY1, "11:00")
    run_job(job.id, build_attendance_pdf)
    db.session.refresh(job)
    assert job.state is JobState.DONE and (job.progress_done, job.progress_total) == (4, 4)
    text = "\n".join(pdf_text(result_file(job).read_bytes()))
    assert "Latecomer" in text and text.index("Abel") < text.index("Żak")


def test_a_pdf_sheet_job_of_a_session_deleted_meanwhile_fails_with_a_message(
        attended, make_session):
    from conference.models import JobState
    from conference.services.jobs.core import run_job
    from conference.services.reports.sheet_jobs import (
        build_attendance_pdf,
        start_attendance_pdf,
    )

    event, _people = attended
    session = make_session(event)
    job, _ = start_attendance_pdf(event, language="en", session=session, user=None)
    db.session.delete(session)
    db.session.commit()
    run_job(job.id, build_attendance_pdf)
    db.session.refresh(job)
    assert job.state is JobState.FAILED
    assert job.error_message == "This session is not part of the event."


def test_a_day_outside_the_event_starts_no_pdf_job(attended):
    from conference.services.reports.sheet_jobs import SheetNotFound, start_attendance_pdf

    event, _people = attended
    with pytest.raises(SheetNotFound):
        start_attendance_pdf(event, language="en", day=dt.date(2030, 1, 1), user=None)


def test_attendance_pdf_carries_the_event_and_funder_logos_in_the_header(attended):
    from pypdf import PdfReader

    from conference.services.badges.core import save_badge_settings

    event, _people = attended
    rows = day_sheet(event, DAY1)

    def images_on_first_page() -> int:
        pdf = attendance_pdf(event, "Day 1", rows, language="en")
        return len(PdfReader(io.BytesIO(pdf)).pages[0].images)

    assert images_on_first_page() == 0
    save_badge_settings(event, layout=event.badge_layout, double_sided=False,
                        logo=image_bytes("PNG", size=(120, 40)))
    save_report_settings(event, funder_name="Regional Programme",
                         organisation_types_text="", funder_logo=image_bytes("JPEG"))
    db.session.commit()
    assert images_on_first_page() == 2
