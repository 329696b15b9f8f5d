"""Feedback pages: the attendee rates through the private link, the organizers read the
results, set when feedback opens and closes, and export; speakers read their own results
on their private page (a partial, ``templates/feedback/_speaker_results.html``).

Attendee: ``/e/<slug>/r/<token>/feedback``. Organizers: ``/manage/<slug>/feedback`` and
its settings and exports. The rules are in ``conference.services.feedback``.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from conference.audit import log_export
from conference.extensions import db
from conference.feedback.forms import (
    OPENING_LABELS,
    RATING_LABELS,
    FeedbackSettingsForm,
    StartExportForm,
    ratings_form,
)
from conference.i18n import format_local_datetime
from conference.jobs import dispatch
from conference.links import add_link
from conference.models import Event, FeedbackOpening, Registration
from conference.models.types import utcnow
from conference.security import event_access, find_by_secret, get_event_or_404, token_access
from conference.services.feedback.core import (
    FeedbackError,
    InvalidComment,
    InvalidSettings,
    Window,
    may_give_feedback,
    save_settings,
    settings_of,
    submit_feedback,
    targets_for,
)
from conference.services.feedback.export import export_csv, start_xlsx_export
from conference.services.feedback.results import event_results, speaker_results

bp = Blueprint("feedback", __name__)

#: Messages for the service's refusals, by code.
ERROR_MESSAGES = {
    "not_open": _l("Feedback on this is not open yet."),
    "closed": _l("Feedback is closed."),
    "not_attended": _l("You can rate only the sessions you attended."),
    "invalid_rating": _l("Choose a rating from 1 to 5."),
    "invalid_comment": _l("This comment is too long or contains characters we cannot "
                          "accept."),
}


def _manage_link(event: Event):
    if current_user.is_authenticated and current_user.can_manage(event):
        return str(_l("Feedback")), url_for("feedback.results", slug=event.slug)
    return None


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))


@bp.app_context_processor
def _partials():
    """What the private-page partials ask for."""
    return {"attendee_feedback": attendee_feedback, "speaker_feedback": speaker_results}


def attendee_feedback(registration: Registration) -> dict | None:
    """The feedback invitation on the attendee's private page, or None when there is
    nothing to rate (feedback off or closed, registration not confirmed)."""
    if not may_give_feedback(registration):
        return None
    settings = settings_of(registration.event)
    if not settings.enabled or settings.closes_at is None or settings.closes_at <= utcnow():
        return None
    targets = targets_for(registration)
    open_targets = [t for t in targets if t.window is Window.OPEN]
    return {
        "url": url_for("feedback.rate", slug=registration.event.slug, token=registration.token),
        "open": bool(open_targets),
        "opens_at": min((t.opens_at for t in targets), default=None),
        "closes_at": settings.closes_at,
        "rated": sum(1 for t in open_targets if t.feedback is not None),
        "count": len(open_targets),
    }


# ---------------------------------------------------------------- attendee

def _registration_or_404(slug: str, token: str) -> Registration:
    registration = find_by_secret(Registration, get_event_or_404(slug), token)
    if registration is None:
        abort(404)
    return registration


def _prefill(form, targets) -> None:
    for target in targets:
        if target.feedback is not None:
            form[f"rating_{target.key}"].data = str(target.feedback.rating)
            form[f"comment_{target.key}"].data = target.feedback.comment


def _save(form, registration: Registration, targets, now: dt.datetime) -> bool:
    """Submit every rated target in one transaction; False (nothing saved) on any error."""
    failed = False
    for target in targets:
        rating_field = form[f"rating_{target.key}"]
        comment_field = form[f"comment_{target.key}"]
        rating = (rating_field.data or "").strip()
        comment = (comment_field.data or "").strip()
        if not rating:
            if comment:
                rating_field.errors = [_("Choose a rating to go with your comment.")]
                failed = True
            continue
        try:
            submit_feedback(registration, session=target.session, rating=rating,
                            comment=comment, now=now)
        except FeedbackError as error:
            field = comment_field if isinstance(error, InvalidComment) else rating_field
            field.errors = [*field.errors, str(ERROR_MESSAGES.get(error.code, error.message))]
            failed = True
    return not failed


@bp.route("/e/<slug>/r/<token>/feedback", methods=["GET", "POST"])
@token_access
def rate(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    event = registration.event
    now = utcnow()
    targets = targets_for(registration, now)
    open_targets = [t for t in targets if t.window is Window.OPEN]
    form = ratings_form(open_targets)
    if not form.is_submitted():
        _prefill(form, open_targets)
    elif form.validate_on_submit() and open_targets:
        if _save(form, registration, open_targets, now):
            db.session.commit()
            flash(_("Thank you for your feedback. You can change it until %(deadline)s.",
                    deadline=_deadline(event)), "success")
            return redirect(url_for("feedback.rate", slug=slug, token=token))
        db.session.rollback()
    status = 400 if form.is_submitted() else 200
    return render_template("feedback/rate.html", event=event, registration=registration,
                           form=form, targets=targets, settings=settings_of(event),
                           Window=Window), status


def _deadline(event: Event) -> str:
    return format_local_datetime(settings_of(event).closes_at, event)


# ---------------------------------------------------------------- organizers

@bp.route("/manage/<slug>/feedback")
@event_access("organizer")
def results(event: Event):
    return render_template("feedback/results.html", event=event, results=event_results(event),
                           settings=settings_of(event), OPENING_LABELS=OPENING_LABELS,
                           RATING_LABELS=RATING_LABELS, now=utcnow())


def _to_local(instant: dt.datetime | None, event: Event) -> dt.datetime | None:
    return instant.astimezone(event.tz).replace(tzinfo=None) if instant else None


def _to_utc(local: dt.datetime | None, event: Event) -> dt.datetime | None:
    return local.replace(tzinfo=event.tz).astimezone(dt.UTC) if local else None


@bp.route("/manage/<slug>/feedback/settings", methods=["GET", "POST"])
@event_access("organizer")
def settings(event: Event):
    current = settings_of(event)
    form = FeedbackSettingsForm()
    if not form.is_submitted():
        form.enabled.data = current.enabled
        form.opening.data = current.opening.value
        form.closes_at.data = _to_local(current.closes_at, event)
    if form.validate_on_submit():
        try:
            save_settings(event, enabled=form.enabled.data,
                          opening=FeedbackOpening(form.opening.data),
                          closes_at=_to_utc(form.closes_at.data, event))
        except InvalidSettings as error:
            db.session.rollback()
            form.closes_at.errors = [*form.closes_at.errors, str(error.message)]
        else:
            db.session.commit()
            flash(_("Feedback settings saved."), "success")
            return redirect(url_for("feedback.results", slug=event.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("feedback/settings.html", event=event, form=form), status


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/manage/<slug>/feedback/export.csv")
@event_access("organizer")
def export_feedback_csv(event: Event):
    data = export_csv(event)
    log_export("feedback.csv", event=event)
    return _download(data, f"{event.slug}-feedback.csv", "text/csv")


@bp.route("/manage/<slug>/feedback/export-xlsx", methods=["POST"])
@event_access("organizer")
def export_feedback_xlsx(event: Event):
    """Start the workbook (a job); its page shows the progress, then the download (logged
    there)."""
    if not StartExportForm().validate_on_submit():
        abort(400)
    job, created = start_xlsx_export(event, language=str(get_locale()), user=current_user)
    db.session.commit()
    if created:
        dispatch(job)
    else:
        flash(_("This work was already started; here is its progress."), "info")
    return redirect(url_for("jobs_manage.show", slug=event.slug, job_id=job.id))

