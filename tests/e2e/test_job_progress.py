"""The job page in a real Chromium: the poller shows progress under the strict CSP and the
page offers the result when the job is done."""

from __future__ import annotations

import pytest

from conference.models import Role
from conference.services.jobs.core import (
    JobResult,
    claim_job,
    finish_job,
    report_progress,
    result_folder,
    start_job,
)
from tests.e2e.test_checkin_scanner import (  # noqa: F401 - the shared browser fixtures
    app_config,
    launch,
)

pytestmark = pytest.mark.browser


def test_the_job_page_follows_progress_and_offers_the_result(
        app, live_server, launch, make_event, make_user):  # noqa: F811
    from playwright.sync_api import expect

    from conference.extensions import db

    event = make_event(slug="e2e-jobs")
    organizer = make_user(Role.ORGANIZER, events=[event])
    job, _ = start_job("badges.print_run", event=event, user=organizer, total=4)
    db.session.commit()
    job = claim_job(job.id)
    report_progress(job, 1, 4)

    context, page = launch(organizer)
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" else None)
    page.goto(f"{live_server}/manage/{event.slug}/jobs/{job.id}/")
    progress = page.locator("[data-job-progress]")
    assert progress.inner_text() == "25% · 1 of 4"

    report_progress(job, 3, 4)  # the worker moves on; the page is not reloaded by us
    expect(progress).to_have_text("75% · 3 of 4", timeout=10_000)
    assert page.locator("progress").evaluate("bar => [bar.value, bar.max]") == [3, 4]

    path = result_folder() / "e2e.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 e2e")
    finish_job(job, JobResult(path=path, filename="badges.pdf"))
    page.get_by_role("link", name="Download the result").wait_for(timeout=10_000)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert problems == []


def test_an_attendance_sheet_pdf_is_two_clicks_from_the_reports_page(
        app, live_server, launch, make_event, make_user, make_registration,  # noqa: F811
        attend):
    """Click "PDF" on the funder reports page: the job page follows, then offers the
    sheet to download."""
    import datetime as dt

    day = dt.date(2026, 5, 12)
    event = make_event(slug="e2e-sheets", starts_on=day, ends_on=day)
    attend(make_registration(event, last_name="Wiśniewska"), day)
    organizer = make_user(Role.ORGANIZER, events=[event])
    context, page = launch(organizer)
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" else None)
    page.goto(f"{live_server}/manage/{event.slug}/reports?lang=en")
    page.get_by_role("button", name=f"PDF {day.isoformat()}", exact=True).click()
    page.wait_for_url(f"**/manage/{event.slug}/jobs/*/")
    link = page.get_by_role("link", name="Download the result")
    link.wait_for(timeout=20_000)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"{event.slug}-attendance-{day.isoformat()}.pdf"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert problems == []
