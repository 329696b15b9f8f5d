"""Job pages under /manage/<event>/jobs/: a list, one job's progress (with a JSON status
for the page's poller), its result, and a retry."""

from __future__ import annotations

import mimetypes

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from conference.audit import log_export
from conference.extensions import db
from conference.jobs import dispatch
from conference.models import Event, Job, JobState
from conference.security import event_access, get_in_event_or_404
from conference.services.jobs.core import (
    JobError,
    can_retry,
    result_file,
    retry_job,
)

bp = Blueprint("jobs_manage", __name__)

KIND_LABELS = {
    "badges.print_run": _l("Badge print run"),
    "certificates.release": _l("Certificate release"),
    "certificates.zip": _l("Certificates (ZIP)"),
    "invoices.zip": _l("Invoices of a period (ZIP)"),
    "mail.bulk": _l("Bulk email"),
    "partnering.schedule": _l("Partnering scheduler run"),
    "payments.statement_import": _l("Bank statement import"),
    "privacy.anonymise": _l("Anonymisation"),
    "reports.attendance_pdf": _l("Attendance list (PDF)"),
    "feedback.xlsx": _l("Feedback (Excel)"),
    "partnering.table_plan": _l("Partnering table plan (PDF)"),
    "partnering.table_sheets": _l("Partnering table sheets (PDF)"),
}

STATE_LABELS = {
    JobState.QUEUED: _l("Waiting for a worker"),
    JobState.RUNNING: _l("Running"),
    JobState.DONE: _l("Done"),
    JobState.FAILED: _l("Failed"),
}


class RetryForm(FlaskForm):
    """A bare form: its CSRF token protects the retry button."""


@bp.route("/manage/<slug>/jobs/")
@event_access("organizer")
def index(event: Event):
    jobs = db.session.execute(
        db.select(Job).where(Job.event_id == event.id).order_by(Job.id.desc()).limit(50)
    ).scalars().all()
    return render_template("jobs_manage/index.html", event=event, jobs=jobs,
                           KIND_LABELS=KIND_LABELS, STATE_LABELS=STATE_LABELS)


@bp.route("/manage/<slug>/jobs/<int:job_id>/")
@event_access("organizer")
def show(event: Event, job_id: int):
    job = get_in_event_or_404(Job, event, job_id)
    return render_template("jobs_manage/show.html", event=event, job=job,
                           status=_status(job), can_retry=can_retry(job), form=RetryForm(),
                           kind_label=KIND_LABELS.get(job.kind, job.kind))


@bp.route("/manage/<slug>/jobs/<int:job_id>/status.json")
@event_access("organizer")
def status(event: Event, job_id: int):
    """The job's progress for the page's poller."""
    return jsonify(_status(get_in_event_or_404(Job, event, job_id)))


@bp.route("/manage/<slug>/jobs/<int:job_id>/result")
@event_access("organizer")
def result(event: Event, job_id: int):
    job = get_in_event_or_404(Job, event, job_id)
    try:
        path = result_file(job)
    except JobError:
        abort(404)
    # Read whole (a print run is a few MB): no open file is left to the WSGI server.
    data = path.read_bytes()
    log_export(f"job.{job.kind}", event=event, filters={"job_id": job.id},
               row_count=job.progress_total or None)
    response = Response(data, mimetype=_mimetype(job.result_filename))
    response.headers["Content-Disposition"] = f'attachment; filename="{job.result_filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _mimetype(filename: str | None) -> str:
    return mimetypes.guess_type(filename or "")[0] or "application/octet-stream"


@bp.route("/manage/<slug>/jobs/<int:job_id>/retry", methods=["POST"])
@event_access("organizer")
def retry(event: Event, job_id: int):
    job = get_in_event_or_404(Job, event, job_id)
    if not RetryForm().validate_on_submit():
        abort(400)
    try:
        shown, queued = retry_job(job)
    except JobError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("jobs_manage.show", slug=event.slug, job_id=job.id))
    db.session.commit()
    if queued:
        dispatch(shown)
        flash(_("The job was queued again."), "success")
    else:
        flash(_("The same work is already under way; this is its page."), "info")
    return redirect(url_for("jobs_manage.show", slug=event.slug, job_id=shown.id))


def _status(job: Job) -> dict:
    done, total = job.progress_done, job.progress_total
    return {
        "id": job.id,
        "state": job.state.value,
        "state_label": str(STATE_LABELS[job.state]),
        "done": done,
        "total": total,
        "percent": job.percent,
        "progress_label": _("%(percent)d%% · %(done)d of %(total)d",
                            percent=job.percent, done=done, total=total),
        "error": job.error_message or None,
        "result_url": url_for("jobs_manage.result", slug=job.event.slug, job_id=job.id)
        if job.state is JobState.DONE else None,
    }
