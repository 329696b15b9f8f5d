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


def invoice_zip(job_id: int) -> None:
    from conference.services.invoicing.exports import write_zip
    from conference.services.jobs.core import run_job

    run_job(job_id, write_zip)


def bulk_mail(job_id: int) -> None:
    """Write a bulk message's outbox rows (one per recipient)."""
    from conference.services.jobs.core import run_job
    from conference.services.messaging.bulk import run_bulk_job

    run_job(job_id, run_bulk_job)


def partnering_schedule(job_id: int) -> None:
    """One run of the partnering scheduler (bounded by PARTNERING_SOLVER_SECONDS)."""
    from conference.services.jobs.core import run_job
    from conference.services.partnering.placement import run_schedule_job

    run_job(job_id, run_schedule_job)


def run_mail_schedules() -> int:
    """Queue the scheduled emails whose moment has come (beat: every minute)."""
    from conference.services.messaging.schedules import run_schedules

    return run_schedules()


def statement_import(job_id: int) -> None:
    from conference.services.jobs.core import run_job
    from conference.services.payments.statements.job import run_statement_import

    run_job(job_id, run_statement_import)


def payment_deadlines() -> dict:
    """Payment reminders and the deadline's action (beat: every 15 minutes)."""
    from conference.services.payments.deadlines import run_deadlines

    report = run_deadlines()
    return {"reminded": report.reminded, "cancelled": report.cancelled,
            "flagged": report.flagged}


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


def attendance_pdf(job_id: int) -> None:
    """An attendance sheet (one day or one session) as PDF."""
    from conference.services.jobs.core import run_job
    from conference.services.reports.sheet_jobs import build_attendance_pdf

    run_job(job_id, build_attendance_pdf)


def feedback_xlsx(job_id: int) -> None:
    """The feedback workbook (summary and responses)."""
    from conference.services.feedback.export import build_xlsx_export
    from conference.services.jobs.core import run_job

    run_job(job_id, build_xlsx_export)


def partnering_document(job_id: int) -> None:
    """The partnering table plan or all table sheets as one PDF."""
    from conference.services.jobs.core import run_job
    from conference.services.partnering.sheets import build_document

    run_job(job_id, build_document)


def purge_job_results() -> int:
    """Delete old job results (beat: daily)."""
    from conference.services.jobs.core import purge_old_results

    return purge_old_results()


TASKS = {
    "jobs.badges.print_run": badge_print_run,
    "jobs.certificates.release": certificate_release,
    "jobs.certificates.zip": certificate_zip,
    "jobs.invoices.zip": invoice_zip,
    "jobs.mail.deliver_pending": deliver_mail,
    "jobs.mail.bulk": bulk_mail,
    "jobs.mail.run_schedules": run_mail_schedules,
    "jobs.partnering.schedule": partnering_schedule,
    "jobs.registration.expire_offers": expire_waitlist_offers,
    "jobs.purge_results": purge_job_results,
    "jobs.payments.statement_import": statement_import,
    "jobs.payments.deadlines": payment_deadlines,
    "jobs.privacy.anonymise_due": anonymise_due_events,
    "jobs.privacy.anonymise": privacy_anonymise,
    "jobs.reports.attendance_pdf": attendance_pdf,
    "jobs.feedback.xlsx": feedback_xlsx,
    "jobs.partnering.document": partnering_document,
}


def register(celery_app: Celery) -> None:
    """Define the tasks on ``celery_app`` only (``shared=False``)."""
    for name, function in TASKS.items():
        celery_app.task(name=name, shared=False)(function)
