"""Partnering PDFs read back with pypdf: a person's agenda, the table plan, table sheets."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from conference.models import JobState
from conference.services.jobs.core import result_file, run_job
from conference.services.partnering.sheets import (
    TABLE_PLAN,
    TABLE_SHEETS,
    agenda_pdf,
    build_document,
    start_document_job,
    table_plan_pdf,
    table_sheets_pdf,
)

pytestmark = pytest.mark.pdf

START = dt.datetime(2026, 5, 12, 12, tzinfo=dt.UTC)


def _pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def scene(make_event, make_registration, make_partnering_settings, make_partnering_window,
          make_partnering_profile, make_meeting_request):
    event = make_event()
    make_partnering_settings(event, published_at=START - dt.timedelta(days=1))
    slots = make_partnering_window(event, start=START, slots=3).slots
    anna = make_partnering_profile(event, make_registration(
        event, first_name="Anna", last_name="Kowalska", organization="Kraków Biotech"))
    bea = make_partnering_profile(event, make_registration(
        event, first_name="Bea", last_name="<img src='http://example.com/x.png'>",
        organization="Aragon Health", country="ES"), country="ES",
        description="Hospital network in Zaragoza.")
    carl = make_partnering_profile(event, make_registration(event, first_name="Carl",
                                                            last_name="Weber"))
    make_meeting_request(anna, bea, slot_id=slots[0].id, table_number=7)
    make_meeting_request(carl, anna, slot_id=slots[1].id, table_number=2)
    return {"event": event, "anna": anna}


def test_agenda_pdf_lists_time_table_and_partner_in_the_persons_language(app, scene):
    with app.test_request_context():
        [page] = _pages(agenda_pdf(scene["anna"], "pl"))
    assert "14:00" in page and "Moje spotkania partneringowe" in page and "Stolik" in page
    assert "Aragon Health" in page and "Hospital network in Zaragoza." in page
    assert "<img src='http://example.com/x.png'>" in page  # text, never fetched


def test_table_sheets_have_one_page_per_table_with_its_meetings(app, scene):
    with app.test_request_context():
        pages = _pages(table_sheets_pdf(scene["event"], "en"))
    assert len(pages) == 2
    assert "Table 2" in pages[0] and "Carl Weber" in pages[0]
    assert "Table 7" in pages[1] and "Anna Kowalska" in pages[1]


def test_one_tables_sheet_has_only_that_table(app, scene):
    with app.test_request_context():
        [page] = _pages(table_sheets_pdf(scene["event"], "en", table_number=7))
    assert "Table 7" in page and "Carl Weber" not in page


def test_table_plan_has_each_slot_with_its_pairs(app, scene):
    with app.test_request_context():
        text = "\n".join(_pages(table_plan_pdf(scene["event"], "en")))
    assert "14:00" in text and "14:20" in text and "Kraków Biotech" in text


def test_sheets_job_joins_one_page_per_table_with_progress(app, scene, monkeypatch):
    monkeypatch.setattr("conference.services.partnering.sheets.CHUNK", 1)  # two chunks
    job, created = start_document_job(scene["event"], TABLE_SHEETS, user=None, language="en")
    assert created
    job = run_job(job.id, build_document)
    assert job.state is JobState.DONE and (job.progress_done, job.progress_total) == (2, 2)
    pages = _pages(result_file(job).read_bytes())
    assert ["Table 2" in pages[0], "Table 7" in pages[1]] == [True, True]


def test_a_second_start_of_the_same_document_joins_the_first(app, scene):
    first, _ = start_document_job(scene["event"], TABLE_PLAN, user=None, language="en")
    second, created = start_document_job(scene["event"], TABLE_PLAN, user=None, language="en")
    assert (second.id, created) == (first.id, False)


def test_table_plan_job_of_an_event_without_meetings_still_gives_a_pdf(app, make_event):
    job, _ = start_document_job(make_event(), TABLE_PLAN, user=None, language="en")
    job = run_job(job.id, build_document)
    assert "No meetings are placed yet." in _pages(result_file(job).read_bytes())[0]
