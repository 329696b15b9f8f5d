"""Job pages: starting a print run, its progress as JSON, the download, retry, and who may
see which job."""

from __future__ import annotations

import time

import pytest

from conference.extensions import db
from conference.models import Job, JobState, Role
from conference.services.badges.print_runs import BadgeSelection, start_print_run
from conference.services.jobs.core import claim_job, report_progress, run_job, start_job
from tests.fixtures.badges import decode_qr_codes, pdf_pages


def _organizer(client, event, make_user, login):
    user = make_user(Role.ORGANIZER, events=[event])
    login(client, user)
    return user


def _job_url(event, job) -> str:
    return f"/manage/{event.slug}/jobs/{job.id}/"


def _jobs() -> list[Job]:
    return db.session.execute(db.select(Job).order_by(Job.id)).scalars().all()


def test_printing_all_badges_starts_a_job_whose_page_offers_the_pdf(
        client, badge_event, make_registration, make_user, login):
    event, attendee, _ = badge_event
    people = [make_registration(event, attendee) for _ in range(2)]
    user = _organizer(client, event, make_user, login)
    response = client.post(f"/manage/{event.slug}/badges/print", data={"scope": "all"})
    [job] = _jobs()
    assert response.status_code == 302
    assert response.headers["Location"] == _job_url(event, job)
    assert job.started_by_id == user.id and job.kind == "badges.print_run"

    status = client.get(f"{_job_url(event, job)}status.json").get_json()
    assert status["state"] == "done"
    assert (status["done"], status["total"], status["percent"]) == (2, 2, 100)
    assert status["result_url"] == f"{_job_url(event, job)}result"

    page = client.get(_job_url(event, job)).get_data(as_text=True)
    assert "100% · 2 of 2" in page and status["result_url"] in page
    pdf = client.get(status["result_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert f'filename="badges-{event.slug}.pdf"' in pdf.headers["Content-Disposition"]
    assert "no-store" in pdf.headers["Cache-Control"]
    assert pdf_pages(pdf.data) == 2
    assert sorted(decode_qr_codes(pdf.data, i)[0] for i in range(2)) == sorted(
        p.ticket_code for p in people)


def test_progress_json_of_a_running_job(client, badge_event, make_registration, make_user,
                                        login):
    event, attendee, _ = badge_event
    make_registration(event, attendee)
    _organizer(client, event, make_user, login)
    job, _ = start_job("badges.print_run", event=event, user=None, total=8)
    db.session.commit()
    claim_job(job.id)
    report_progress(job, 2, 8)
    status = client.get(f"{_job_url(event, job)}status.json").get_json()
    assert status["state"] == "running" and status["state_label"] == "Running"
    assert (status["done"], status["total"], status["percent"]) == (2, 8, 25)
    assert status["result_url"] is None
    page = client.get(_job_url(event, job)).get_data(as_text=True)
    # The poller's endpoint, and the no-JavaScript refresh link.
    assert f'data-job-status-url="{_job_url(event, job)}status.json"' in page
    assert f'href="{_job_url(event, job)}">' in page
    assert 'value="2"' in page and 'max="8"' in page
    assert client.get(f"{_job_url(event, job)}result").status_code == 404


def test_a_second_start_of_the_same_print_run_shows_the_first(
        client, badge_event, make_registration, make_user, login):
    event, attendee, _ = badge_event
    make_registration(event, attendee)
    _organizer(client, event, make_user, login)
    queued, _ = start_print_run(event, BadgeSelection(), user=None)  # not yet picked up
    db.session.commit()
    response = client.post(f"/manage/{event.slug}/badges/print", data={"scope": "all"},
                           follow_redirects=True)
    assert "already started" in response.get_data(as_text=True)
    assert [j.id for j in _jobs()] == [queued.id]
    assert db.session.get(Job, queued.id).state is JobState.QUEUED


def test_bad_print_run_fields_give_a_message_and_no_job(
        client, badge_event, make_registration, make_user, login):
    event, attendee, _ = badge_event
    make_registration(event, attendee)
    _organizer(client, event, make_user, login)
    for data in ({"scope": "everything"}, {"scope": "selection", "state": "king"},
                 {"scope": "selection", "role": "emperor"},
                 {"scope": "selection", "ticket_type": "abc"}, {}):
        response = client.post(f"/manage/{event.slug}/badges/print", data=data,
                               follow_redirects=True)
        assert response.status_code == 200, data
        assert "cannot be printed" in response.get_data(as_text=True), data
    assert _jobs() == []


def test_a_failed_job_shows_why_and_retry_runs_it(
        client, badge_event, make_registration, make_user, login):
    event, attendee, _ = badge_event
    registration = make_registration(event, attendee)
    _organizer(client, event, make_user, login)
    job, _ = start_print_run(event, BadgeSelection(), user=None)
    db.session.commit()

    def broken(job, progress):
        raise OSError("disk full")

    run_job(job.id, broken)
    page = client.get(_job_url(event, job)).get_data(as_text=True)
    assert "Why it failed" in page and "OSError" in page
    assert f'action="{_job_url(event, job)}retry"' in page

    response = client.post(f"{_job_url(event, job)}retry")
    assert response.status_code == 302
    status = client.get(f"{_job_url(event, job)}status.json").get_json()
    assert status["state"] == "done" and status["error"] is None
    pdf = client.get(status["result_url"]).data
    assert decode_qr_codes(pdf) == [registration.ticket_code]


def test_retrying_a_done_job_is_refused_with_a_message(
        client, badge_event, make_registration, make_user, login):
    event, attendee, _ = badge_event
    make_registration(event, attendee)
    _organizer(client, event, make_user, login)
    client.post(f"/manage/{event.slug}/badges/print", data={"scope": "all"})
    [job] = _jobs()
    response = client.post(f"{_job_url(event, job)}retry", follow_redirects=True)
    assert "cannot be retried" in response.get_data(as_text=True)
    assert len(_jobs()) == 1


def test_another_events_job_is_not_found(client, badge_event, make_registration, make_user,
                                         login, make_event):
    event, attendee, _ = badge_event
    make_registration(event, attendee)
    job, _ = start_print_run(event, BadgeSelection(), user=None)
    db.session.commit()
    other = make_event()
    _organizer(client, other, make_user, login)
    for suffix in ("", "status.json", "result"):
        assert client.get(f"/manage/{other.slug}/jobs/{job.id}/{suffix}").status_code == 404
        assert client.get(f"/manage/{event.slug}/jobs/{job.id}/{suffix}").status_code == 403
    assert client.post(f"/manage/{other.slug}/jobs/{job.id}/retry").status_code == 404
    listing = client.get(f"/manage/{other.slug}/jobs/").get_data(as_text=True)
    assert f"/jobs/{job.id}/" not in listing


def test_door_staff_and_reviewers_cannot_see_jobs(client, badge_event, make_registration,
                                                  make_user, login):
    event, attendee, _ = badge_event
    make_registration(event, attendee)
    job, _ = start_print_run(event, BadgeSelection(), user=None)
    db.session.commit()
    assert client.get(f"{_job_url(event, job)}status.json").status_code in (302, 401)
    for role in (Role.DOOR, Role.REVIEWER):
        login(client, make_user(role, events=[event]))
        assert client.get(_job_url(event, job)).status_code == 403
        assert client.get(f"{_job_url(event, job)}status.json").status_code == 403
        assert client.get(f"/manage/{event.slug}/jobs/").status_code == 403


def test_job_list_links_each_job(client, badge_event, make_registration, make_user, login):
    event, attendee, _ = badge_event
    make_registration(event, attendee)
    _organizer(client, event, make_user, login)
    client.post(f"/manage/{event.slug}/badges/print", data={"scope": "all"})
    [job] = _jobs()
    page = client.get(f"/manage/{event.slug}/jobs/").get_data(as_text=True)
    assert f'href="{_job_url(event, job)}"' in page and "Badge print run" in page


class TestWithoutABroker:
    """``make run`` without Redis: the job runs in a background thread of the web process,
    so the request that starts it returns at once."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "CELERY_BROKER_URL": "", "JOBS_IN_PROCESS": "thread"}

    def test_a_print_run_finishes_in_a_background_thread(
            self, client, badge_event, make_registration, make_user, login):
        event, attendee, _ = badge_event
        make_registration(event, attendee)
        _organizer(client, event, make_user, login)
        response = client.post(f"/manage/{event.slug}/badges/print", data={"scope": "all"})
        job_url = response.headers["Location"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = client.get(f"{job_url}status.json").get_json()
            if status["state"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert status["state"] == "done", status
        assert pdf_pages(client.get(status["result_url"]).data) == 1


class TestWithTheBrokerDown:
    """Redis unreachable: the print run's page says why, and nothing else breaks."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "CELERY_BROKER_URL": "redis://127.0.0.1:9/0"}

    def test_the_job_fails_with_the_reason_instead_of_an_error_page(
            self, client, badge_event, make_registration, make_user, login):
        event, attendee, _ = badge_event
        make_registration(event, attendee)
        _organizer(client, event, make_user, login)
        response = client.post(f"/manage/{event.slug}/badges/print", data={"scope": "all"},
                               follow_redirects=True)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "job queue cannot be reached" in page and "Try again" in page
        [job] = _jobs()
        assert job.state is JobState.FAILED
