"""Every organizer export of personal data lands in the export log; superusers read it."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import ExportLogEntry, Role
from conference.services.privacy.access_log import record_export


@pytest.fixture
def organizer(client, make_user, login):
    def make(event):
        user = make_user(Role.ORGANIZER, events=[event])
        login(client, user)
        return user

    return make


def _log():
    return db.session.execute(db.select(ExportLogEntry).order_by(ExportLogEntry.id)).scalars().all()


def test_registrations_csv_export_is_logged_with_filters_and_rows(
        client, organizer, make_event, make_registration):
    event = make_event()
    user = organizer(event)
    make_registration(event)
    make_registration(event)
    response = client.get(f"/manage/{event.slug}/registrations/export.csv?state=confirmed")
    assert response.status_code == 200
    [entry] = _log()
    assert (entry.user_id, entry.event_id, entry.what, entry.row_count) == (
        user.id, event.id, "registrations.csv", 2)
    assert "state=confirmed" in entry.filters


def test_registrations_xlsx_export_is_logged(client, organizer, make_event, make_registration):
    event = make_event()
    organizer(event)
    make_registration(event)
    client.get(f"/manage/{event.slug}/registrations/export.xlsx")
    assert [e.what for e in _log()] == ["registrations.xlsx"]


def test_feedback_export_is_logged(client, organizer, make_event):
    event = make_event()
    organizer(event)
    assert client.get(f"/manage/{event.slug}/feedback/export.csv").status_code == 200
    assert [e.what for e in _log()] == ["feedback.csv"]


def test_starting_a_badge_print_run_is_logged(client, organizer, make_event, make_registration,
                                              monkeypatch):
    import conference.badges.routes as badge_routes

    monkeypatch.setattr(badge_routes, "dispatch", lambda job: None)  # the queue is not ours
    event = make_event()
    organizer(event)
    make_registration(event)
    response = client.post(f"/manage/{event.slug}/badges/print", data={"scope": "all"})
    assert response.status_code == 302
    [entry] = _log()
    assert entry.what == "badges.print_run" and entry.row_count == 1
    assert "scope=all" in entry.filters


def test_a_refused_export_logs_nothing(client, make_user, login, make_event):
    event = make_event()
    login(client, make_user(Role.ORGANIZER, events=[make_event()]))
    assert client.get(f"/manage/{event.slug}/registrations/export.csv").status_code == 403
    assert _log() == []


def test_superuser_sees_the_log_filtered_by_event(client, make_user, login, make_event):
    first, second = make_event(slug="first-event"), make_event(slug="second-event")
    organizer = make_user(Role.ORGANIZER, email="org@example.org")
    record_export("registrations.csv", user=organizer, event=first, row_count=7)
    record_export("feedback.xlsx", user=organizer, event=second)
    db.session.commit()
    login(client, make_user(Role.ORGANIZER, superuser=True))
    page = client.get(f"/manage/access-log?event={first.id}").get_data(as_text=True)
    assert "registrations.csv" in page and "org@example.org" in page
    assert "feedback.xlsx" not in page


def test_superuser_log_pages(client, make_user, login, make_event):
    event = make_event()
    for n in range(55):
        record_export(f"export-{n:02d}", user=None, event=event)
    db.session.commit()
    login(client, make_user(Role.ORGANIZER, superuser=True))
    second = client.get("/manage/access-log?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_hostile_log_filters_are_ignored(client, make_user, login):
    login(client, make_user(Role.ORGANIZER, superuser=True))
    for query in ("event=abc", "user=-1", "page=99999999999999", "event=1e9"):
        assert client.get(f"/manage/access-log?{query}").status_code == 200, query


def test_organizers_cannot_read_the_log(client, make_user, login):
    login(client, make_user(Role.ORGANIZER))
    assert client.get("/manage/access-log").status_code == 403


def test_downloading_a_job_result_is_logged(client, organizer, make_event, make_registration):
    from conference.services.badges.print_runs import (
        BadgeSelection,
        render_print_run,
        start_print_run,
    )
    from conference.services.jobs.core import run_job

    event = make_event()
    organizer(event)
    make_registration(event)
    job, _ = start_print_run(event, BadgeSelection(), user=None)
    db.session.commit()
    job = run_job(job.id, render_print_run)
    assert client.get(f"/manage/{event.slug}/jobs/{job.id}/result").status_code == 200
    [entry] = _log()
    assert entry.what == "job.badges.print_run" and f"job_id={job.id}" in entry.filters


def test_an_organizers_certificate_pdf_is_logged(client, organizer, make_event,
                                                  make_registration, attend):
    import datetime as dt

    from conference.services.certificates.issuing import release_certificates

    event = make_event(starts_on=dt.date(2026, 5, 12), ends_on=dt.date(2026, 5, 12))
    attend(make_registration(event), dt.date(2026, 5, 12))
    [certificate] = release_certificates(event)
    db.session.commit()
    organizer(event)
    response = client.get(f"/manage/{event.slug}/certificates/{certificate.id}/certificate.pdf")
    assert response.status_code == 200
    [entry] = _log()
    assert entry.what == "certificate.pdf" and f"certificate_id={certificate.id}" in entry.filters


def test_an_organizers_invoice_pdf_and_the_invoice_register_are_logged(
        client, organizer, invoicing_event, invoiced_order):
    from conference.services.invoicing.issue import issue_proforma

    event = invoicing_event()
    invoice = issue_proforma(invoiced_order(event).order)
    db.session.commit()
    organizer(event)
    assert client.get(f"/manage/{event.slug}/invoices/{invoice.id}.pdf").status_code == 200
    assert client.get(f"/manage/{event.slug}/invoices/register.xlsx").status_code == 200
    assert [(e.what, e.row_count) for e in _log()] == [("invoice.pdf", 1),
                                                       ("invoices.register.xlsx", 1)]


def test_a_refused_invoice_download_logs_nothing(client, organizer, make_event):
    event = make_event()
    organizer(event)
    assert client.get(f"/manage/{event.slug}/invoices/999999.pdf").status_code == 404
    assert _log() == []
