"""Certificates: organizer settings, release and list; the attendee's PDF; verification."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from conference.audit import log_export
from conference.certificates.forms import (
    RULE_LABELS,
    ActionForm,
    CertificateSettingsForm,
    RevokeForm,
)
from conference.extensions import db
from conference.jobs import dispatch
from conference.links import add_link
from conference.models import Certificate, Event, Registration, ReleaseRule
from conference.security import (
    event_access,
    find_by_secret,
    get_event_or_404,
    get_in_event_or_404,
    public,
    token_access,
)
from conference.services.certificates.errors import CertificateError, InvalidImage
from conference.services.certificates.issuing import (
    certificate_of,
    eligible_registrations,
    find_by_public_id,
    list_certificates,
    reissue_certificate,
    restore_certificate,
    revoke_certificate,
)
from conference.services.certificates.pdf import preview_certificate, render_certificate
from conference.services.certificates.runs import pdf_filename, start_release, start_zip
from conference.services.certificates.settings import (
    certificate_settings,
    logo_path,
    save_certificate_settings,
    signature_path,
)

bp = Blueprint("certificates", __name__)

#: How long browsers and proxies may keep a verification answer: short, so a revocation
#: shows within a minute, yet a QR scanned by a room full of people is served once.
VERIFY_MAX_AGE = 60


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Certificates"), url_for("certificates.index", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))
bp.record_once(lambda state: state.app.jinja_env.globals.update(certificate_of=certificate_of))


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- Public verification -----------------------------------------------------------------

@bp.route("/c/<public_id>")
@public
def verify(public_id: str):
    """Anyone holding the address may check a certificate: name, event and dates only."""
    certificate = find_by_public_id(public_id)
    if certificate is None:
        return render_template("certificates/unknown.html"), 404
    response = Response(render_template("certificates/verify.html", certificate=certificate,
                                        event=certificate.event))
    response.headers["Cache-Control"] = f"public, max-age={VERIFY_MAX_AGE}"
    return response


# --- The attendee ------------------------------------------------------------------------

@bp.route("/e/<slug>/r/<token>/certificate.pdf")
@token_access
def attendee_pdf(slug: str, token: str):
    """The attendee's own certificate, in their language (404 until released or when
    revoked)."""
    event = get_event_or_404(slug)
    registration = find_by_secret(Registration, event, token)
    certificate = certificate_of(registration) if registration is not None else None
    if certificate is None:
        abort(404)
    return _pdf(render_certificate(certificate), pdf_filename(certificate))


# --- Organizers --------------------------------------------------------------------------

@bp.route("/manage/<slug>/certificates", methods=["GET", "POST"])
@event_access("organizer")
def index(event: Event):
    settings = certificate_settings(event)
    form = CertificateSettingsForm(obj=settings, release_rule=settings.rule.value)
    if form.validate_on_submit():
        try:
            save_certificate_settings(
                event, title=form.title.data, body=form.body.data,
                signer_name=form.signer_name.data or "", signer_role=form.signer_role.data,
                rule=ReleaseRule(form.release_rule.data), rule_minimum=form.rule_minimum.data,
                signature=_upload(form.signature), remove_signature=form.remove_signature.data,
                logo=_upload(form.logo), remove_logo=form.remove_logo.data)
        except InvalidImage as error:
            db.session.rollback()
            field = form.logo if error.details.get("field") == "logo" else form.signature
            field.errors = [*field.errors, error.message]
        except CertificateError as error:
            db.session.rollback()
            form.rule_minimum.errors = [*form.rule_minimum.errors, error.message]
        else:
            db.session.commit()
            flash(_("Certificate settings saved."), "success")
            return redirect(url_for("certificates.index", slug=event.slug))
    certificates = list_certificates(event)
    return render_template(
        "certificates/index.html", event=event, form=form, settings=settings,
        has_signature=signature_path(settings) is not None,
        has_logo=logo_path(settings) is not None,
        eligible=len(eligible_registrations(event)),
        issued=sum(1 for c in certificates if not c.is_revoked),
        revoked=sum(1 for c in certificates if c.is_revoked),
        rule_label=RULE_LABELS[settings.rule], action_form=ActionForm())


def _upload(field) -> bytes | None:
    upload = field.data
    return upload.read() if upload else None


@bp.route("/manage/<slug>/certificates/preview.pdf")
@event_access("organizer")
def preview(event: Event):
    """A sample certificate in the page's language with the saved settings."""
    return _pdf(preview_certificate(event, str(get_locale() or event.language)),
                f"certificate-preview-{event.slug}.pdf")


@bp.route("/manage/<slug>/certificates/release", methods=["POST"])
@event_access("organizer")
def release(event: Event):
    """Start issuing the certificates of everyone meeting the rule (a job)."""
    return _start(event, start_release)


@bp.route("/manage/<slug>/certificates/zip", methods=["POST"])
@event_access("organizer")
def download_all(event: Event):
    """Start a ZIP of every valid certificate (a job with a download)."""
    return _start(event, start_zip)


def _start(event: Event, starter):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        job, created = starter(event, user=current_user)
    except CertificateError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("certificates.index", slug=event.slug))
    db.session.commit()
    if created:
        dispatch(job)
    else:
        flash(_("This work was already started; here is its progress."), "info")
    return redirect(url_for("jobs_manage.show", slug=event.slug, job_id=job.id))


@bp.route("/manage/<slug>/certificates/issued")
@event_access("organizer")
def issued(event: Event):
    return render_template("certificates/issued.html", event=event,
                           certificates=list_certificates(event), action_form=ActionForm(),
                           revoke_form=RevokeForm())


@bp.route("/manage/<slug>/certificates/<int:certificate_id>/certificate.pdf")
@event_access("organizer")
def certificate_pdf(event: Event, certificate_id: int):
    certificate = get_in_event_or_404(Certificate, event, certificate_id)
    data = render_certificate(certificate)
    log_export("certificate.pdf", event=event, filters={"certificate_id": certificate.id},
               row_count=1)
    return _pdf(data, pdf_filename(certificate))


@bp.route("/manage/<slug>/certificates/<int:certificate_id>/revoke", methods=["POST"])
@event_access("organizer")
def revoke(event: Event, certificate_id: int):
    certificate = get_in_event_or_404(Certificate, event, certificate_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("The reason is too long (at most 500 characters)."), "error")
        return redirect(url_for("certificates.issued", slug=event.slug))
    try:
        revoke_certificate(certificate, form.reason.data or "")
    except CertificateError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Certificate of %(name)s revoked.", name=certificate.full_name), "success")
    return redirect(url_for("certificates.issued", slug=event.slug))


@bp.route("/manage/<slug>/certificates/<int:certificate_id>/restore", methods=["POST"])
@event_access("organizer")
def restore(event: Event, certificate_id: int):
    certificate = get_in_event_or_404(Certificate, event, certificate_id)
    if ActionForm().validate_on_submit():
        restore_certificate(certificate)
        db.session.commit()
        flash(_("Certificate of %(name)s is valid again.", name=certificate.full_name),
              "success")
    return redirect(url_for("certificates.issued", slug=event.slug))


@bp.route("/manage/<slug>/certificates/<int:certificate_id>/reissue", methods=["POST"])
@event_access("organizer")
def reissue(event: Event, certificate_id: int):
    """Take a new snapshot of the name and attendance (the verification address stays)."""
    certificate = get_in_event_or_404(Certificate, event, certificate_id)
    if ActionForm().validate_on_submit():
        reissue_certificate(certificate)
        db.session.commit()
        flash(_("Certificate of %(name)s re-issued from today's records.",
                name=certificate.full_name), "success")
    return redirect(url_for("certificates.issued", slug=event.slug))
