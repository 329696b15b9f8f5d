"""The job lifecycle: start (deduplicated), claim, progress, finish, failure with a
reason, retry, and badge print runs as jobs."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from conference.extensions import db
from conference.models import Event, Job, JobState, User
from conference.services import DomainError
from conference.services.badges.core import NoBadges
from conference.services.badges.print_runs import (
    BadgeSelection,
    render_print_run,
    start_print_run,
)
from conference.services.jobs.core import (
    JobNotRetryable,
    JobResult,
    JobResultMissing,
    claim_job,
    purge_old_results,
    report_progress,
    result_file,
    result_folder,
    retry_job,
    run_job,
    start_job,
)
from tests.fixtures.badges import decode_qr_codes, pdf_pages

T0 = dt.datetime(2026, 5, 12, 8, 0, tzinfo=dt.UTC)


def _count_jobs() -> int:
    return db.session.execute(db.select(db.func.count(Job.id))).scalar_one()


def _writes_result(text: str = "result"):
    def handler(job, progress):
        path = result_folder() / f"job-{job.id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return JobResult(path=path, filename="result.txt")

    return handler


def _fresh(job: Job) -> Job:
    return db.session.get(Job, job.id, populate_existing=True)


def test_starting_the_same_work_twice_while_it_is_queued_gives_one_job(app, make_event):
    event = make_event()
    first, created = start_job("test.kind", event=event, user=None, dedupe_key="k1")
    second, created_again = start_job("test.kind", event=event, user=None, dedupe_key="k1")
    other, other_created = start_job("test.kind", event=event, user=None, dedupe_key="k2")
    db.session.commit()
    assert (created, created_again, other_created) == (True, False, True)
    assert second.id == first.id and other.id != first.id
    assert _count_jobs() == 2


def test_a_finished_job_frees_its_key_for_a_new_run(app, make_event):
    event = make_event()
    job, _ = start_job("test.kind", event=event, user=None, dedupe_key="k")
    db.session.commit()
    run_job(job.id, _writes_result())
    again, created = start_job("test.kind", event=event, user=None, dedupe_key="k")
    db.session.commit()
    assert created and again.id != job.id


def test_progress_is_visible_while_the_job_runs_and_done_at_the_end(app, make_event):
    event = make_event()
    job, _ = start_job("test.kind", event=event, user=None, total=10)
    db.session.commit()
    seen = []

    def handler(running, progress):
        progress(3, 10)
        # What a job page reads meanwhile, through another connection.
        with db.engine.connect() as conn:
            seen.append(conn.execute(db.select(Job.state, Job.progress_done, Job.progress_total)
                                     .where(Job.id == running.id)).one())
        return _writes_result("pdf")(running, progress)

    finished = run_job(job.id, handler)
    assert seen == [(JobState.RUNNING, 3, 10)]
    assert finished.state is JobState.DONE and finished.percent == 100
    assert finished.started_at is not None and finished.finished_at is not None
    assert finished.attempts == 1
    assert result_file(finished).read_text() == "pdf"


def test_a_failed_job_says_why_and_a_retry_runs_it_again(app, make_event):
    event = make_event()
    job, _ = start_job("test.kind", event=event, user=None, dedupe_key="k")
    db.session.commit()

    class NothingToDo(DomainError):
        code = "nothing_to_do"

    def refuses(job, progress):
        raise NothingToDo("There is nothing to print.")

    failed = run_job(job.id, refuses)
    assert failed.state is JobState.FAILED
    assert failed.error_message == "There is nothing to print."
    with pytest.raises(JobResultMissing):
        result_file(failed)

    queued, requeued = retry_job(failed)
    db.session.commit()
    assert requeued and queued.id == job.id
    assert (queued.state, queued.error_message) == (JobState.QUEUED, "")
    done = run_job(job.id, _writes_result())
    assert done.state is JobState.DONE and done.attempts == 2


def test_an_unexpected_error_fails_the_job_naming_the_error(app, make_event):
    event = make_event()
    job, _ = start_job("test.kind", event=event, user=None)
    db.session.commit()

    def crashes(job, progress):
        progress(1, 5)
        raise ZeroDivisionError("boom")

    failed = run_job(job.id, crashes)
    assert failed.state is JobState.FAILED
    assert "ZeroDivisionError" in failed.error_message
    assert failed.progress_done == 1  # how far it got stays visible


def test_done_and_queued_jobs_cannot_be_retried(app, make_event):
    event = make_event()
    queued, _ = start_job("test.kind", event=event, user=None)
    done, _ = start_job("test.kind", event=event, user=None)
    db.session.commit()
    run_job(done.id, _writes_result())
    for job in (_fresh(queued), _fresh(done)):
        with pytest.raises(JobNotRetryable):
            retry_job(job)


def test_a_job_is_claimed_once_unless_its_worker_stopped_answering(app, make_event):
    """A redelivered message (acks_late) must not run a job twice; a job whose worker died
    (no heartbeat for JOB_STALE_AFTER) is taken over by the next worker."""
    event = make_event()
    job, _ = start_job("test.kind", event=event, user=None)
    db.session.commit()
    assert claim_job(job.id, T0) is not None
    assert claim_job(job.id, T0 + dt.timedelta(seconds=10)) is None
    report_progress(job, 5, 10, now=T0 + dt.timedelta(seconds=200))
    stale = app.config["JOB_STALE_AFTER"]
    assert claim_job(job.id, T0 + dt.timedelta(seconds=200 + stale - 1)) is None
    taken_over = claim_job(job.id, T0 + dt.timedelta(seconds=200 + stale + 1))
    assert taken_over is not None and taken_over.attempts == 2
    assert taken_over.progress_done == 0


def test_a_job_left_running_by_a_dead_worker_can_be_retried(app, make_event):
    event = make_event()
    job, _ = start_job("test.kind", event=event, user=None)
    db.session.commit()
    claim_job(job.id, T0)
    running = _fresh(job)
    with pytest.raises(JobNotRetryable):
        retry_job(running, now=T0 + dt.timedelta(seconds=30))
    later = T0 + dt.timedelta(seconds=app.config["JOB_STALE_AFTER"] + 1)
    queued, requeued = retry_job(running, now=later)
    db.session.commit()
    assert requeued and _fresh(queued).state is JobState.QUEUED


def test_retrying_while_the_same_work_is_under_way_joins_that_job(app, make_event):
    event = make_event()
    first, _ = start_job("test.kind", event=event, user=None, dedupe_key="k")
    db.session.commit()
    run_job(first.id, lambda job, progress: 1 / 0)
    second, created = start_job("test.kind", event=event, user=None, dedupe_key="k")
    db.session.commit()
    assert created
    shown, requeued = retry_job(_fresh(first))
    assert not requeued and shown.id == second.id
    assert _fresh(first).state is JobState.FAILED


def test_a_missing_result_file_is_reported_not_served(app, make_event):
    event = make_event()
    job, _ = start_job("test.kind", event=event, user=None)
    db.session.commit()
    done = run_job(job.id, _writes_result())
    result_file(done).unlink()
    with pytest.raises(JobResultMissing):
        result_file(done)


@pytest.mark.postgres_only
def test_two_organizers_starting_the_same_print_run_at_once_get_one_job(
        app, badge_event, make_registration, make_user):
    event, attendee, _ = badge_event
    for _ in range(3):
        make_registration(event, attendee)
    users = [make_user(events=[event]).id for _ in range(6)]
    barrier = threading.Barrier(len(users))

    def start(user_id: int) -> int:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                job, _ = start_print_run(db.session.get(Event, event.id), BadgeSelection(),
                                         user=db.session.get(User, user_id))
                db.session.commit()
                return job.id
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        job_ids = set(pool.map(start, users))
    assert len(job_ids) == 1
    assert _count_jobs() == 1


def test_a_print_run_renders_the_selection_with_progress(
        app, badge_event, make_registration, make_user):
    event, attendee, speaker = badge_event
    people = [make_registration(event, attendee) for _ in range(3)]
    make_registration(event, speaker)
    organizer = make_user(events=[event])
    job, created = start_print_run(event, BadgeSelection(ticket_type_id=attendee.id,
                                                         scope="selection"), user=organizer)
    db.session.commit()
    assert created and job.progress_total == 3 and job.started_by_id == organizer.id
    done = run_job(job.id, render_print_run)
    assert done.state is JobState.DONE
    assert (done.progress_done, done.progress_total) == (3, 3)
    assert done.result_filename == f"badges-{event.slug}-selection.pdf"
    pdf = result_file(done).read_bytes()
    assert pdf_pages(pdf) == 3
    codes = sorted(decode_qr_codes(pdf, page) for page in range(3))
    assert codes == sorted([p.ticket_code] for p in people)


def test_an_empty_selection_starts_no_print_run(app, badge_event, make_registration):
    event, attendee, _ = badge_event
    make_registration(event, attendee)
    with pytest.raises(NoBadges):
        start_print_run(event, BadgeSelection(search="nobody", scope="selection"), user=None)
    assert _count_jobs() == 0


def test_a_print_run_whose_people_all_cancelled_fails_with_the_reason(
        app, badge_event, make_registration):
    from conference.models import RegistrationState

    event, attendee, _ = badge_event
    registration = make_registration(event, attendee)
    job, _ = start_print_run(event, BadgeSelection(), user=None)
    db.session.commit()
    registration.state = RegistrationState.CANCELLED
    db.session.commit()
    failed = run_job(job.id, render_print_run)
    assert failed.state is JobState.FAILED
    assert failed.error_message == "There are no badges to print."


def test_different_selections_or_layouts_are_different_print_runs(
        app, badge_event, make_registration):
    event, attendee, speaker = badge_event
    make_registration(event, attendee)
    make_registration(event, speaker)
    everyone, _ = start_print_run(event, BadgeSelection(), user=None)
    speakers, created = start_print_run(
        event, BadgeSelection(ticket_type_id=speaker.id, scope="selection"), user=None)
    assert created and speakers.id != everyone.id
    event.badge_layout = "a4-8"
    other_layout, created = start_print_run(event, BadgeSelection(), user=None)
    assert created and other_layout.id != everyone.id
    db.session.commit()


def test_old_results_are_deleted_and_the_job_says_so(app, make_event):
    event = make_event()
    old, _ = start_job("test.kind", event=event, user=None)
    recent, _ = start_job("test.kind", event=event, user=None)
    db.session.commit()
    days = app.config["JOB_RESULT_DAYS"]
    run_job(old.id, _writes_result(), now=lambda: T0)
    run_job(recent.id, _writes_result(), now=lambda: T0 + dt.timedelta(days=days))
    old_file = result_file(_fresh(old))
    assert purge_old_results(now=T0 + dt.timedelta(days=days, hours=1)) == 1
    assert not old_file.exists()
    with pytest.raises(JobResultMissing, match="gone"):
        result_file(_fresh(old))
    assert result_file(_fresh(recent)).read_text() == "result"
