"""The attendee's rights through the private link (download my data, erase my data), the
emailed confirmation, and the organizers' list of erasure requests."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from conference.extensions import db
from conference.links import add_link
from conference.models import ErasureRequest, Event, Registration
from conference.privacy_rights.blueprint import bp
from conference.privacy_rights.forms import ActionForm, HoldForm
from conference.security import (
    event_access,
    find_by_secret,
    get_event_or_404,
    get_in_event_or_404,
    token_access,
)
from conference.services.privacy.errors import ErasureLinkUnknown, PrivacyError
from conference.services.privacy.retention import anonymise_due_at
from conference.services.privacy.rights import (
    complete_erasure,
    confirm_erasure,
    erasure_requests,
    export_personal_data,
    find_erasure,
    hold_erasure,
    open_erasure,
    request_erasure,
)


def _attendee_link(registration: Registration):
    return _("My data and privacy"), url_for("privacy_rights.my_data", slug=registration.event.slug,
                                            token=registration.token)


bp.record_once(lambda state: add_link(state.app, "attendee", _attendee_link))


def _registration_or_404(slug: str, token: str) -> Registration:
    event = get_event_or_404(slug)
    registration = find_by_secret(Registration, event, token)
    if registration is None or registration.anonymised_at is not None:
        abort(404)
    return registration


# --- The attendee ------------------------------------------------------------------------

@bp.route("/e/<slug>/r/<token>/privacy")
@token_access
def my_data(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    return render_template("privacy_rights/my_data.html", event=registration.event,
                           registration=registration, erasure=open_erasure(registration),
                           retention_end=anonymise_due_at(registration.event),
                           form=ActionForm())


@bp.route("/e/<slug>/r/<token>/privacy/my-data.zip")
@token_access
def download(slug: str, token: str):
    """Everything kept about the person: data.json, plus badge, certificate and invoice
    PDFs."""
    registration = _registration_or_404(slug, token)
    data = export_personal_data(registration)
    db.session.commit()  # an invoice's PDF is stored at its first rendering
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="my-data-{registration.event.slug}.zip"')
    return response


@bp.route("/e/<slug>/r/<token>/privacy/erase", methods=["POST"])
@token_access
def request_erase(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    if not ActionForm().validate_on_submit():
        abort(400)
    request = request_erasure(registration)
    db.session.commit()
    if request.confirmed_at is None:
        flash(_("We have sent you an email with a link: open it to confirm the erasure."),
              "success")
    else:
        flash(_("Your erasure request is already recorded."), "info")
    return redirect(url_for("privacy_rights.my_data", slug=slug, token=token))


@bp.route("/e/<slug>/erasure/<erasure_token>", methods=["GET", "POST"])
@token_access
def confirm_erasure_link(slug: str, erasure_token: str):
    """The emailed link: a page with one button (mail scanners that open links confirm
    nothing), then the confirmation."""
    event = get_event_or_404(slug)
    try:
        request = find_erasure(event, erasure_token)
    except ErasureLinkUnknown as error:
        return render_template("privacy_rights/erasure_link.html", event=event,
                               message=error.message, form=None), 404
    form = ActionForm()
    message = None
    if form.validate_on_submit():
        try:
            request = confirm_erasure(event, erasure_token)
        except PrivacyError as error:
            db.session.rollback()
            message = error.message
        else:
            db.session.commit()
            return render_template("privacy_rights/erasure_link.html", event=event,
                                   message=None, confirmed=request, form=None)
    return render_template("privacy_rights/erasure_link.html", event=event, message=message,
                           erasure=request, erasure_token=erasure_token, form=form)


# --- Organizers --------------------------------------------------------------------------

@bp.route("/manage/<slug>/privacy/erasures")
@event_access("organizer")
def erasures(event: Event):
    return render_template("privacy_rights/erasures.html", event=event,
                           requests=erasure_requests(event), action_form=ActionForm(),
                           hold_form=HoldForm(), retention_end=anonymise_due_at(event))


@bp.route("/manage/<slug>/privacy/erasures/<int:erasure_id>/complete", methods=["POST"])
@event_access("organizer")
def erasure_complete(event: Event, erasure_id: int):
    request = get_in_event_or_404(ErasureRequest, event, erasure_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        complete_erasure(request, user=current_user)
    except PrivacyError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The person's data is erased; they have been told."), "success")
    return redirect(url_for("privacy_rights.erasures", slug=event.slug))


@bp.route("/manage/<slug>/privacy/erasures/<int:erasure_id>/hold", methods=["POST"])
@event_access("organizer")
def erasure_hold(event: Event, erasure_id: int):
    request = get_in_event_or_404(ErasureRequest, event, erasure_id)
    form = HoldForm()
    if not form.validate_on_submit():
        flash(_("Give the reason (at most %(max)d characters).", max=500), "error")
        return redirect(url_for("privacy_rights.erasures", slug=event.slug))
    try:
        hold_erasure(request, form.reason.data, user=current_user)
    except PrivacyError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The request is on hold; the attendee has been told the reason."), "success")
    return redirect(url_for("privacy_rights.erasures", slug=event.slug))
