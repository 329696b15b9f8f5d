"""The job queue: Celery bound to the Flask app, thin tasks that call services, dispatch.

``init_app`` makes one Celery app per Flask app (``app.extensions["celery"]``) whose tasks
run inside the Flask app context. With ``CELERY_BROKER_URL`` set, jobs go to the broker
(Redis) and Celery workers run them; the beat schedules periodic work. Without a broker,
``make run`` needs no Redis: jobs run in a background thread of the web process
(``JOBS_IN_PROCESS=thread``, the request returns at once and the page shows progress) or,
in tests, eagerly inside the request (``JOBS_IN_PROCESS=eager``).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from celery import Celery, Task
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from conference.models import Job
from conference.services.jobs.core import fail_job

log = logging.getLogger(__name__)

#: The task that runs each job kind (``Job.kind`` -> Celery task name).
TASK_FOR_KIND = {
    "badges.print_run": "jobs.badges.print_run",
    "certificates.release": "jobs.certificates.release",
    "certificates.zip": "jobs.certificates.zip",
    "invoices.zip": "jobs.invoices.zip",
    "mail.bulk": "jobs.mail.bulk",
    "partnering.schedule": "jobs.partnering.schedule",
    "payments.statement_import": "jobs.payments.statement_import",
    "privacy.anonymise": "jobs.privacy.anonymise",
    "reports.attendance_pdf": "jobs.reports.attendance_pdf",
    "feedback.xlsx": "jobs.feedback.xlsx",
    "partnering.table_plan": "jobs.partnering.document",
    "partnering.table_sheets": "jobs.partnering.document",
}


def init_app(app: Flask) -> Celery:
    """Create the Celery app of ``app`` (its tasks run inside ``app``'s context)."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config["CELERY_BROKER_URL"]
    celery_app = Celery(app.import_name, task_cls=FlaskTask, set_as_current=False)
    celery_app.conf.update(
        broker_url=broker or "memory://",
        broker_connection_retry_on_startup=True,
        # The job row is the record of the result; Celery keeps none.
        task_ignore_result=True,
        # A job's message is acknowledged when the task ends, not when it starts: a worker
        # that dies mid-job leaves it in Redis, which delivers it again after the
        # visibility timeout (the claim then takes over the stale "running" job).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={
            "visibility_timeout": app.config["JOB_STALE_AFTER"] + 60,
            "global_keyprefix": app.config["CELERY_KEY_PREFIX"],
        },
        task_default_queue="conference",
        beat_schedule=beat_schedule(app),
        timezone="UTC",
    )
    from conference.jobs import tasks

    tasks.register(celery_app)
    app.extensions["celery"] = celery_app
    return celery_app


def beat_schedule(app: Flask) -> dict:
    """Periodic work for ``celery beat``; later features add their entries here."""
    mail_every = app.config["MAIL_DELIVERY_INTERVAL"]
    # ``expires``: a round that waited longer than its interval behind a long job is
    # dropped, not run late in a pile (the next round does the same work).
    return {
        "deliver-outbox": {"task": "jobs.mail.deliver_pending",
                           "schedule": timedelta(seconds=mail_every),
                           "options": {"expires": mail_every}},
        "scheduled-emails": {"task": "jobs.mail.run_schedules",
                             "schedule": timedelta(minutes=1), "options": {"expires": 60}},
        "expire-waitlist-offers": {"task": "jobs.registration.expire_offers",
                                   "schedule": timedelta(minutes=1),
                                   "options": {"expires": 60}},
        "payment-deadlines": {"task": "jobs.payments.deadlines",
                              "schedule": timedelta(minutes=15), "options": {"expires": 900}},
        "purge-job-results": {"task": "jobs.purge_results", "schedule": timedelta(hours=6),
                              "options": {"expires": 6 * 3600}},
        "anonymise-due-events": {"task": "jobs.privacy.anonymise_due",
                                 "schedule": timedelta(days=1),
                                 "options": {"expires": 6 * 3600}},
    }


_in_process_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def dispatch(job: Job) -> None:
    """Send a committed job to its task: to the broker, or run it in this process.

    When the broker cannot be reached the job is marked failed with that reason (the
    organizer retries it later) instead of waiting forever or failing the request.
    """
    app = current_app._get_current_object()
    celery_app: Celery = app.extensions["celery"]
    task = celery_app.tasks[TASK_FOR_KIND[job.kind]]
    if app.config["CELERY_BROKER_URL"]:
        try:
            task.apply_async(args=(job.id,))
        except Exception:  # kombu/redis connection errors: the queue is down
            log.exception("job %s could not be queued", job.id)
            fail_job(job, str(_l("The job queue cannot be reached; try again in a moment "
                                 "or ask the administrators.")))
    elif app.config["JOBS_IN_PROCESS"] == "eager":
        task.apply(args=(job.id,))
    else:
        _background_pool().submit(_run_logged, task, job.id)


def _background_pool() -> ThreadPoolExecutor:
    # One thread: jobs of a development server run one after another, like one worker.
    global _in_process_pool
    with _pool_lock:
        if _in_process_pool is None:
            _in_process_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="job")
        return _in_process_pool


def _run_logged(task: Task, job_id: int) -> None:
    try:
        task.apply(args=(job_id,), throw=True)
    except Exception:
        log.exception("in-process job %s failed", job_id)
