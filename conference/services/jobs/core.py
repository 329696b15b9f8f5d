"""The life of a job: queued -> running -> done | failed, and back to queued by a retry.

These functions only change rows; the job queue (:mod:`conference.jobs`) carries job ids to
workers. A worker claims a job with a conditional UPDATE, so a job redelivered by the
broker (``acks_late``) while another worker runs it is not run twice, and a job whose
worker died (no heartbeat for ``JOB_STALE_AFTER`` seconds) may be claimed again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from conference.extensions import db
from conference.models import Event, Job, JobState, User
from conference.models.types import utcnow
from conference.services import DomainError

log = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000


class JobError(DomainError):
    code = "job_error"


class JobNotRetryable(JobError):
    """Only failed jobs, and running jobs whose worker stopped answering, may be retried."""

    code = "job_not_retryable"


class JobResultMissing(JobError):
    code = "job_result_missing"


@dataclass(frozen=True)
class JobResult:
    """What a job handler hands back: the file it wrote (under the result folder)."""

    path: Path
    filename: str


#: A handler does the work of one job kind: (job, progress) -> JobResult, or None when the
#: work leaves no file (a bulk email writes outbox rows). ``progress(done, total)`` records
#: how far it is; handlers raise DomainError with a message on bad input.
Handler = Callable[[Job, Callable[[int, int | None], None]], JobResult | None]


def result_folder() -> Path:
    """Where job results are written (shared by the web servers and the workers)."""
    return Path(current_app.config["JOB_RESULT_FOLDER"])


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config["JOB_STALE_AFTER"])


def start_job(kind: str, *, event: Event, user: User | None, params: dict | None = None,
              dedupe_key: str | None = None, total: int = 0,
              now: dt.datetime | None = None) -> tuple[Job, bool]:
    """Queue a job; returns (job, created).

    With a ``dedupe_key``, a job with the same key that is still queued or running is
    returned instead of a new one (created=False), even when two callers race: the partial
    unique index lets only one insert win, and the loser reads the winner's row. The job
    is flushed, not committed: the caller commits, then dispatches it (only when created).
    """
    now = now or utcnow()
    if dedupe_key is not None:
        existing = _active_with_key(dedupe_key)
        if existing is not None:
            return existing, False
    job = Job(kind=kind, event_id=event.id, started_by_id=user.id if user else None,
              params=params or {}, dedupe_key=dedupe_key, progress_total=total,
              state=JobState.QUEUED, created_at=now)
    savepoint = db.session.begin_nested()
    db.session.add(job)
    try:
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        existing = _active_with_key(dedupe_key) if dedupe_key is not None else None
        if existing is None:
            raise
        return existing, False
    return job, True


def _active_with_key(dedupe_key: str) -> Job | None:
    return db.session.execute(
        db.select(Job).where(Job.dedupe_key == dedupe_key,
                             Job.state.in_([JobState.QUEUED, JobState.RUNNING]))
    ).scalar_one_or_none()


def claim_job(job_id: int, now: dt.datetime | None = None) -> Job | None:
    """Mark the job running for this worker and commit; None when it is not ours to run
    (done, failed, unknown, or running with a live worker)."""
    now = now or utcnow()
    claimable = db.or_(
        Job.state == JobState.QUEUED,
        db.and_(Job.state == JobState.RUNNING, Job.heartbeat_at < now - stale_after()),
    )
    result = db.session.execute(
        db.update(Job).where(Job.id == job_id, claimable)
        .values(state=JobState.RUNNING, started_at=now, heartbeat_at=now,
                attempts=Job.attempts + 1, progress_done=0)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return db.session.get(Job, job_id, populate_existing=True)


def report_progress(job: Job, done: int, total: int | None = None,
                    now: dt.datetime | None = None) -> None:
    """Record progress (and the worker's heartbeat) and commit, so pages see it at once."""
    now = now or utcnow()
    values = {"progress_done": done, "heartbeat_at": now}
    if total is not None:
        values["progress_total"] = total
    db.session.execute(db.update(Job).where(Job.id == job.id, Job.state == JobState.RUNNING)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def finish_job(job: Job, result: JobResult | None, now: dt.datetime | None = None) -> Job:
    """Mark the job done with its result file (if it has one); commits."""
    now = now or utcnow()
    job = db.session.get(Job, job.id, populate_existing=True)
    job.state = JobState.DONE
    if result is not None:
        job.result_path = str(result.path.relative_to(result_folder()))
        job.result_filename = result.filename
    job.progress_done = max(job.progress_done, job.progress_total)
    job.error_message = ""
    job.finished_at = now
    db.session.commit()
    return job


def fail_job(job: Job, reason: str, now: dt.datetime | None = None) -> Job:
    """Mark the job failed with ``reason`` (shown to the organizer); commits."""
    now = now or utcnow()
    db.session.rollback()  # the handler's half-done work, if any
    job = db.session.get(Job, job.id, populate_existing=True)
    job.state = JobState.FAILED
    job.error_message = reason[:ERROR_MAX_LENGTH]
    job.finished_at = now
    db.session.commit()
    return job


def can_retry(job: Job, now: dt.datetime | None = None) -> bool:
    """Failed jobs, and running jobs whose worker has stopped answering, may be retried."""
    now = now or utcnow()
    if job.state is JobState.FAILED:
        return True
    return (job.state is JobState.RUNNING and job.heartbeat_at is not None
            and job.heartbeat_at < now - stale_after())


def retry_job(job: Job, now: dt.datetime | None = None) -> tuple[Job, bool]:
    """Queue the job again; returns (job to show, queued).

    When another job with the same dedupe key is active meanwhile, that one is returned
    (queued=False) instead of running the work twice. Flushes; the caller commits and
    dispatches when queued.
    """
    now = now or utcnow()
    if not can_retry(job, now):
        raise JobNotRetryable(str(_l("This job cannot be retried now.")))
    if job.dedupe_key is not None:
        other = _active_with_key(job.dedupe_key)
        if other is not None and other.id != job.id:
            return other, False
    savepoint = db.session.begin_nested()
    job.state = JobState.QUEUED
    job.error_message = ""
    job.progress_done = 0
    job.started_at = job.heartbeat_at = job.finished_at = None
    job.created_at = now
    try:
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        other = _active_with_key(job.dedupe_key) if job.dedupe_key else None
        if other is None:
            raise
        return other, False
    return job, True


def run_job(job_id: int, handler: Handler, now: Callable[[], dt.datetime] = utcnow) -> Job | None:
    """Claim the job, run ``handler`` on it, and record its result or why it failed.

    A DomainError's message is shown to the organizer as it is; any other exception is
    logged and shown by its type, and the job can be retried.
    """
    job = claim_job(job_id, now())
    if job is None:
        log.info("job %s is not ours to run (done, failed, or running elsewhere)", job_id)
        return None

    def progress(done: int, total: int | None = None) -> None:
        report_progress(job, done, total, now())

    try:
        result = handler(job, progress)
    except DomainError as error:
        return fail_job(job, error.message, now())
    except Exception as error:
        log.exception("job %s (%s) failed", job_id, job.kind)
        return fail_job(job, str(_l("Unexpected error (%(error)s); try again or ask the "
                                    "administrators.", error=type(error).__name__)), now())
    return finish_job(job, result, now())


def result_file(job: Job) -> Path:
    """The result file of a done job; JobResultMissing when it is gone."""
    if job.state is not JobState.DONE:
        raise JobResultMissing(str(_l("This job has no result to download.")))
    if not job.result_path:
        raise JobResultMissing(str(_l("The result file is gone; run the job again.")))
    root = result_folder().resolve()
    path = (root / job.result_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise JobResultMissing(str(_l("The result file is gone; run the job again.")))
    return path


def purge_old_results(now: dt.datetime | None = None) -> int:
    """Delete the result files of jobs finished more than ``JOB_RESULT_DAYS`` days ago (a
    print run's PDF holds names); their pages then say the result is gone. Commits;
    returns how many files were removed."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=current_app.config["JOB_RESULT_DAYS"])
    jobs = db.session.execute(
        db.select(Job).where(Job.state == JobState.DONE, Job.result_path.is_not(None),
                             Job.finished_at < cutoff)
    ).scalars().all()
    root = result_folder().resolve()
    for job in jobs:
        path = (root / job.result_path).resolve()
        if path.is_relative_to(root):
            path.unlink(missing_ok=True)
        job.result_path = None
    db.session.commit()
    return len(jobs)
