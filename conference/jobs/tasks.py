"""Celery tasks: thin wrappers that call services (inside the Flask app context).

They are plain functions, registered on each Celery app by ``register`` (one Celery app
per Flask app, so tests with many apps never share tasks).
"""

from __future__ import annotations

from celery import Celery


def badge_print_run(job_id: int) -> None:
    from conference.services.badges.print_runs import render_print_run
    from conference.services.jobs.core import run_job

    run_job(job_id, render_print_run)


def certificate_release(job_id: int) -> None:
    from conference.services.certificates.runs import run_release
    from conference.services.jobs.core import run_job

    run_job(job_id, run_release)


def certificate_zip(job_id: int) -> None:
    from conference.services.certificates.runs import build_zip
    from conference.services.jobs.core import run_job

    run_job(job_id, build_zip)


def deliver_mail() -> dict:
    """The outbox delivery of one round of the mail worker (beat runs it periodically)."""
    from conference.services.messaging.outbox import deliver_pending

    report = deliver_pending(limit=1000)
    return {"sent": report.sent, "deferred": report.deferred, "failed": report.failed}


def expire_waitlist_offers() -> int:
    """Pass lapsed waiting-list offers on to the next in line (beat: every minute)."""
    from conference.services.registration.waitlist import expire_offers

    return len(expire_offers())


def anonymise_due_events() -> dict:
    """Anonymise the personal data the events' retention settings say is due, and complete
    the erasure requests whose waiting time is over (beat: daily)."""
    from conference.services.privacy.anonymise import anonymise_due_events as run
    from conference.services.privacy.rights import complete_due_erasures

    return {"anonymised": run(), "erasures_completed": complete_due_erasures()}


def privacy_anonymise(job_id: int) -> None:
    """The organizer's "run now": anonymise one event early."""
    from conference.services.jobs.core import run_job
    from conference.services.privacy.anonymise import run_anonymise_job

    run_job(job_id, run_anonymise_job)


def purge_job_results() -> int:
    """Delete old job results (beat: daily)."""
    from conference.services.jobs.core import purge_old_results

    return purge_old_results()


TASKS = {
    "jobs.badges.print_run": badge_print_run,
    "jobs.certificates.release": certificate_release,
    "jobs.certificates.zip": certificate_zip,
    "jobs.mail.deliver_pending": deliver_mail,
    "jobs.registration.expire_offers": expire_waitlist_offers,
    "jobs.purge_results": purge_job_results,
    "jobs.privacy.anonymise_due": anonymise_due_events,
    "jobs.privacy.anonymise": privacy_anonymise,
}


def register(celery_app: Celery) -> None:
    """Define the tasks on ``celery_app`` only (``shared=False``)."""
    for name, function in TASKS.items():
        celery_app.task(name=name, shared=False)(function)
