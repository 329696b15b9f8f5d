"""Public call for proposals, the speakers' private pages, and the public speakers pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from conference.cfp.forms import (
    PROPOSAL_STATE_LABELS,
    SESSION_TYPE_LABELS,
    ProfileForm,
    ProposalEditForm,
    ProposalForm,
    UnavailabilityForm,
    fill_choices,
    parse_emails,
)
from conference.extensions import db, limiter
from conference.fields import OUT_OF_RANGE
from conference.i18n import use_person_language
from conference.links import add_link
from conference.models import Event, Proposal, ProposalState, SessionType, Speaker
from conference.models.types import utcnow
from conference.registration.forms import PersonLanguageForm
from conference.security import get_public_event_or_404, public, token_access
from conference.services import DomainError
from conference.services.cfp import proposals as cfp_service
from conference.services.cfp import settings as cfp_settings
from conference.services.cfp.decisions import (
    confirm_participation,
    decline_participation,
    state_for_speaker,
)
from conference.services.cfp.photos import MAX_PHOTO_BYTES, photo_path, photo_version
from conference.services.languages import person_languages

bp = Blueprint("cfp", __name__)

#: How long a photo under its versioned URL may be cached (a new photo gets a new URL).
VERSIONED_PHOTO_MAX_AGE = 365 * 24 * 3600


def _cfp_link(event: Event):
    settings = cfp_settings.get_cfp_settings(event)
    if settings and settings.is_open(utcnow()):
        return _("Submit a proposal"), url_for("cfp.submit", slug=event.slug)
    return None


def _speakers_link(event: Event):
    if cfp_service.public_speakers(event):
        return _("Speakers"), url_for("cfp.speakers", slug=event.slug)
    return None


bp.record_once(lambda state: add_link(state.app, "event", _cfp_link))
bp.record_once(lambda state: add_link(state.app, "event", _speakers_link))


def speaker_photo_url(speaker: Speaker) -> str | None:
    """The public URL of the speaker's photo, with its version; None without a photo."""
    version = photo_version(speaker.photo_filename or "")
    if version is None:
        return None
    return url_for("cfp.speaker_photo", slug=speaker.event.slug, speaker_id=speaker.id,
                   v=version)


def speaker_label(speaker: Speaker) -> str:
    """A speaker as staff pages name them: a co-speaker who has not given a name yet is
    "invited" with their email (public pages never show such a speaker); one whose data the
    retention rules removed is "Anonymised speaker"."""
    if speaker.is_anonymised:
        return _("Anonymised speaker")
    return speaker.name or _("invited (%(email)s)", email=speaker.email)


# A global, so that imported macros (macros/speakers.html) see it too.
bp.record_once(lambda state: state.app.jinja_env.globals.update(speaker_label=speaker_label))


@bp.app_context_processor
def _labels():
    return {"SESSION_TYPE_LABELS": SESSION_TYPE_LABELS,
            "PROPOSAL_STATE_LABELS": PROPOSAL_STATE_LABELS,
            "speaker_photo_url": speaker_photo_url}


def _submit_limit() -> str:
    return current_app.config.get("CFP_RATE_LIMIT", "10 per minute")


def _uploaded_photo() -> bytes | None:
    upload = request.files.get("photo")
    if not upload or not upload.filename:
        return None
    try:
        return upload.read(MAX_PHOTO_BYTES + 1)
    finally:
        upload.close()


def proposal_fields_from_form(form) -> cfp_service.ProposalFields:
    return cfp_service.ProposalFields(
        title=form.title.data or "", abstract=form.abstract.data or "",
        session_type=SessionType(form.session_type.data),
        track_id=int(form.track.data) if form.track.data else None,
        duration_minutes=form.duration.data, language=form.language.data,
        notes=form.notes.data or "",
    )


def proposal_form(form_class, proposal: Proposal):
    """A proposal's edit form with the call's choices, prefilled unless it was posted."""
    form = form_class(obj=proposal)
    fill_choices(form, cfp_settings.offered_session_types(proposal.event),
                 cfp_settings.offered_tracks(proposal.event))
    if not form.is_submitted():
        form.session_type.data = proposal.session_type.value
        form.track.data = str(proposal.track_id) if proposal.track_id else ""
        form.duration.data = proposal.duration_minutes
    return form


def profile_from_form(form, email: str) -> cfp_service.SpeakerProfile:
    return cfp_service.SpeakerProfile(
        name=form.name.data or "", email=email, affiliation=form.affiliation.data or "",
        biography=form.biography.data or "", links=form.links.data or "",
        photo=_uploaded_photo(),
    )


def show_domain_error(form, error: DomainError) -> None:
    """Put a service's refusal on the form field it names, else above the form."""
    field = getattr(form, error.details.get("field", ""), None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@bp.route("/e/<slug>/cfp", methods=["GET", "POST"])
@limiter.limit(_submit_limit, methods=["POST"])
@public
def submit(slug: str):
    event = get_public_event_or_404(slug)
    settings = cfp_settings.get_cfp_settings(event)
    now = utcnow()
    is_open = settings is not None and settings.is_open(now)
    form = ProposalForm()
    types = cfp_settings.offered_session_types(event)
    fill_choices(form, types, cfp_settings.offered_tracks(event))
    if not form.is_submitted() and types:
        form.duration.data = types[0].default_minutes
    if form.is_submitted() and not is_open:
        db.session.rollback()
        flash(_("The call for proposals is closed: your proposal was not saved."), "error")
        return render_template("cfp/submit.html", event=event, settings=settings, form=None,
                               is_open=False), 409
    if is_open and form.validate_on_submit():
        try:
            proposal = cfp_service.submit_proposal(
                event, proposal_fields_from_form(form), profile_from_form(form, form.email.data),
                co_speaker_emails=parse_emails(form.co_speakers.data),
                locale=str(get_locale() or "en"), now=now)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Thank you! Your proposal was received; we sent you an email with your "
                    "private link."), "success")
            return redirect(url_for("cfp.proposal", slug=event.slug,
                                    proposal_token=proposal.token))
    status = 422 if form.is_submitted() else 200
    return render_template("cfp/submit.html", event=event, settings=settings,
                           form=form if is_open else None, is_open=is_open), status


def _proposal_or_404(slug: str, token: str) -> Proposal:
    event = get_public_event_or_404(slug)
    proposal = cfp_service.find_proposal_by_token(event, token)
    if proposal is None:
        abort(404)
    return proposal


@bp.route("/e/<slug>/cfp/p/<proposal_token>", methods=["GET", "POST"])
@token_access
def proposal(slug: str, proposal_token: str):
    proposal = _proposal_or_404(slug, proposal_token)
    event = proposal.event
    editable = (proposal.state in (ProposalState.SUBMITTED, ProposalState.UNDER_REVIEW)
                and cfp_settings.cfp_is_open(event))
    form = proposal_form(ProposalEditForm, proposal)
    if not form.is_submitted():
        form.co_speakers.data = ""
    if form.is_submitted() and not editable:
        flash(_("This proposal can no longer be changed: nothing was saved."), "error")
        return redirect(url_for("cfp.proposal", slug=slug, proposal_token=proposal_token))
    if form.validate_on_submit():
        try:
            cfp_service.edit_proposal(proposal, proposal_fields_from_form(form),
                                      co_speaker_emails=parse_emails(form.co_speakers.data))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your proposal was saved."), "success")
            return redirect(url_for("cfp.proposal", slug=slug, proposal_token=proposal_token))
    return render_template("cfp/proposal.html", event=event, proposal=proposal, form=form,
                           editable=editable, shown_state=state_for_speaker(proposal)
                           ), 422 if form.is_submitted() else 200


def _proposal_action(slug: str, token: str, action, done: str):
    proposal = _proposal_or_404(slug, token)
    try:
        action(proposal)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("cfp.proposal", slug=slug, proposal_token=token))


@bp.route("/e/<slug>/cfp/p/<proposal_token>/withdraw", methods=["POST"])
@token_access
def withdraw(slug: str, proposal_token: str):
    return _proposal_action(slug, proposal_token, cfp_service.withdraw_proposal,
                            _("Your proposal was withdrawn."))


@bp.route("/e/<slug>/cfp/p/<proposal_token>/confirm", methods=["POST"])
@token_access
def confirm(slug: str, proposal_token: str):
    return _proposal_action(slug, proposal_token, confirm_participation,
                            _("Thank you for confirming! Your session is in the programme."))


@bp.route("/e/<slug>/cfp/p/<proposal_token>/decline", methods=["POST"])
@token_access
def decline(slug: str, proposal_token: str):
    return _proposal_action(slug, proposal_token, decline_participation,
                            _("You declined. Thank you for letting us know."))


def _speaker_or_404(slug: str, token: str) -> Speaker:
    event = get_public_event_or_404(slug)
    speaker = cfp_service.find_speaker_by_token(event, token)
    if speaker is None:
        abort(404)
    return speaker


def _speaker_proposals(speaker: Speaker) -> list[tuple[Proposal, object, ProposalState]]:
    """The speaker's proposals (not withdrawn), their link and the state they are shown."""
    from conference.models import ProposalSpeaker

    links = db.session.execute(
        db.select(ProposalSpeaker).filter_by(speaker_id=speaker.id).order_by(ProposalSpeaker.id)
    ).scalars().all()
    return [(link.proposal, link, state_for_speaker(link.proposal)) for link in links
            if link.proposal.state is not ProposalState.WITHDRAWN]


@bp.route("/e/<slug>/speaker/<speaker_token>", methods=["GET", "POST"])
@token_access
def speaker_page(slug: str, speaker_token: str):
    speaker = _speaker_or_404(slug, speaker_token)
    use_person_language(speaker.locale)
    form = ProfileForm(obj=speaker)
    if form.validate_on_submit():
        try:
            cfp_service.update_speaker_profile(
                speaker, profile_from_form(form, speaker.email),
                remove_photo=form.remove_photo.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your profile was saved."), "success")
            return redirect(url_for("cfp.speaker_page", slug=slug, speaker_token=speaker_token))
    return render_template(
        "cfp/speaker_page.html", event=speaker.event, speaker=speaker, form=form,
        unavailability_form=UnavailabilityForm(formdata=None),
        proposals=_speaker_proposals(speaker), **_language_form(speaker),
    ), 422 if form.is_submitted() else 200


def _language_form(speaker: Speaker) -> dict:
    """What ``registration/_language.html`` needs (the route is in ``cfp.language``)."""
    form = PersonLanguageForm(languages=person_languages(speaker.event),
                              data={"language": speaker.locale})
    return {"language_form": form,
            "language_action": url_for("cfp.change_language", slug=speaker.event.slug,
                                       speaker_token=speaker.token)}


@bp.route("/e/<slug>/speaker/<speaker_token>/unavailability", methods=["POST"])
@token_access
def add_unavailability(slug: str, speaker_token: str):
    speaker = _speaker_or_404(slug, speaker_token)
    form = UnavailabilityForm()
    if not form.validate_on_submit():
        out_of_range = str(OUT_OF_RANGE) in form.starts_at.errors + form.ends_at.errors
        flash(str(OUT_OF_RANGE) if out_of_range else _("Enter a start and an end."), "error")
    else:
        tz = speaker.event.tz
        try:
            cfp_service.add_unavailability(
                speaker, form.starts_at.data.replace(tzinfo=tz),
                form.ends_at.data.replace(tzinfo=tz), form.note.data or "")
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Saved: we will not schedule you then."), "success")
    return redirect(url_for("cfp.speaker_page", slug=slug, speaker_token=speaker_token))


@bp.route("/e/<slug>/speaker/<speaker_token>/unavailability/<int:span_id>/delete",
          methods=["POST"])
@token_access
def delete_unavailability(slug: str, speaker_token: str, span_id: int):
    speaker = _speaker_or_404(slug, speaker_token)
    span = next((s for s in speaker.unavailability if s.id == span_id), None)
    if span is None:
        abort(404)
    speaker.unavailability.remove(span)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("cfp.speaker_page", slug=slug, speaker_token=speaker_token))


@bp.route("/e/<slug>/speaker/<speaker_token>/proposals/<int:proposal_id>/confirm",
          methods=["POST"])
@token_access
def confirm_co_speaking(slug: str, speaker_token: str, proposal_id: int):
    speaker = _speaker_or_404(slug, speaker_token)
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.event_id != speaker.event_id:
        abort(404)
    try:
        cfp_service.confirm_co_speaking(speaker, proposal)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Thank you for confirming."), "success")
    return redirect(url_for("cfp.speaker_page", slug=slug, speaker_token=speaker_token))


@bp.route("/e/<slug>/speakers")
@public
def speakers(slug: str):
    event = get_public_event_or_404(slug)
    return render_template("cfp/speakers.html", event=event,
                           speakers=cfp_service.public_speakers(event))


def _public_speaker_or_404(slug: str, speaker_id: int) -> Speaker:
    event = get_public_event_or_404(slug)
    speaker = next((s for s in cfp_service.public_speakers(event) if s.id == speaker_id), None)
    if speaker is None:
        abort(404)
    return speaker


@bp.route("/e/<slug>/speakers/<int:speaker_id>")
@public
def speaker(slug: str, speaker_id: int):
    speaker = _public_speaker_or_404(slug, speaker_id)
    sessions = [s for s in speaker.sessions if s.is_public]
    return render_template("cfp/speaker.html", event=speaker.event, speaker=speaker,
                           sessions=sessions)


@bp.route("/e/<slug>/speakers/<int:speaker_id>/photo")
@public
def speaker_photo(slug: str, speaker_id: int):
    """A public speaker's photo. Only under its current version (``?v=``, a content hash)
    may it be cached for good; any other URL is revalidated every time, and a hidden
    speaker or a removed photo is a 404 that no cache keeps."""
    event = get_public_event_or_404(slug)
    speaker = next((s for s in cfp_service.public_speakers(event) if s.id == speaker_id), None)
    version = photo_version(speaker.photo_filename or "") if speaker is not None else None
    if version is None:
        response = Response(_("No photo."), status=404, mimetype="text/plain")
        response.headers["Cache-Control"] = "no-store"
        return response
    response = _image_response(photo_path(speaker.photo_filename), max_age=0)
    response.set_etag(version)
    if request.args.get("v") == version:
        response.cache_control.public = True
        response.cache_control.max_age = VERSIONED_PHOTO_MAX_AGE
        response.cache_control.immutable = True
    else:
        response.cache_control.public = True
        response.cache_control.no_cache = True
    return response.make_conditional(request)


@bp.route("/e/<slug>/speaker/<speaker_token>/photo")
@token_access
def own_photo(slug: str, speaker_token: str):
    speaker = _speaker_or_404(slug, speaker_token)
    path = photo_path(speaker.photo_filename or "")
    if path is None:
        abort(404)
    return _image_response(path, max_age=0)


def _image_response(path, max_age: int) -> Response:
    # Photos are small (at most 800 px, re-encoded): read them whole, no file left open.
    response = Response(path.read_bytes(), mimetype="image/jpeg")
    response.cache_control.max_age = max_age
    response.cache_control.public = max_age > 0
    return response
