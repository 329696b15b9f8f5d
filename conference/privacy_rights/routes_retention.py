"""Organizers: retention settings, the preview of what goes, and "anonymise now"."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from conference.extensions import db
from conference.jobs import dispatch
from conference.links import add_link
from conference.models import Event
from conference.privacy_rights.blueprint import bp
from conference.privacy_rights.forms import RetentionForm, RunNowForm
from conference.security import event_access
from conference.services.privacy.anonymise import start_anonymise
from conference.services.privacy.errors import PrivacyError
from conference.services.privacy.retention import (
    preview,
    retention_settings,
    save_retention_settings,
)


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Privacy"), url_for("privacy_rights.retention", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))


@bp.route("/manage/<slug>/privacy/retention", methods=["GET", "POST"])
@event_access("organizer")
def retention(event: Event):
    settings = retention_settings(event)
    form = RetentionForm(obj=settings)
    if form.validate_on_submit():
        try:
            save_retention_settings(
                event, months_after_end=form.months_after_end.data,
                sensitive_days_after_end=form.sensitive_days_after_end.data,
                automatic=form.automatic.data)
        except PrivacyError as error:
            db.session.rollback()
            field = getattr(form, error.details.get("field", "months_after_end"))
            field.errors = [*field.errors, error.message]
        else:
            db.session.commit()
            flash(_("Retention settings saved."), "success")
            return redirect(url_for("privacy_rights.retention", slug=event.slug))
    counts = preview(event)
    db.session.commit()  # the settings row made on first visit
    return render_template("privacy_rights/retention.html", event=event, form=form,
                           settings=settings, counts=counts, run_form=RunNowForm())


@bp.route("/manage/<slug>/privacy/retention/run", methods=["POST"])
@event_access("organizer")
def run_now(event: Event):
    """Anonymise the event now (a job), after the organizer confirmed."""
    if not RunNowForm().validate_on_submit():
        flash(_("Tick the box to confirm that this cannot be undone."), "error")
        return redirect(url_for("privacy_rights.retention", slug=event.slug))
    job, created = start_anonymise(event, user=current_user)
    db.session.commit()
    if created:
        dispatch(job)
    else:
        flash(_("This work was already started; here is its progress."), "info")
    return redirect(url_for("jobs_manage.show", slug=event.slug, job_id=job.id))
