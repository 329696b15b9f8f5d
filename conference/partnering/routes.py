"""Attendee partnering pages, under the private link ``/e/<slug>/r/<token>/partnering/``:
the overview (profile, requests, suggestions), the profile form (join and edit), leaving,
the directory, another participant's profile with the request form, and the answers to
requests. The rules are in ``conference.services.partnering``."""

from __future__ import annotations

from flask import (
    Blueprint,
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

from conference.extensions import db
from conference.i18n import use_person_language
from conference.inputs import query_int
from conference.models import Event, PartneringProfile, Registration
from conference.partnering.forms import NEED_LISTS, ProfileForm, ReasonForm, RequestForm
from conference.registration.forms import country_choices
from conference.security import secrets_equal, token_access
from conference.services.partnering import directory, profiles
from conference.services.partnering import requests as meeting_requests
from conference.services.partnering.errors import PartneringError
from conference.services.partnering.profiles import NEEDS_MAX
from conference.services.partnering.settings import (
    cooperation_type_choices,
    partnering_settings,
    sector_choices,
)
from conference.services.reports.settings import organisation_types

bp = Blueprint("partnering", __name__)

#: Empty need rows shown below the filled ones (at least this many rows in all).
EMPTY_NEED_ROWS = 1
MIN_NEED_ROWS = 2
#: Longest filter value read from the directory's query string.
FILTER_MAX_LENGTH = 200


def _language() -> str:
    return str(get_locale())


def _labels(event: Event) -> dict:
    """Label lookups for the templates: key -> label in the page's language."""
    language = _language()
    return {"sector_label": dict(sector_choices(event, language)),
            "type_label": dict(cooperation_type_choices(event, language)),
            "organisation_label": dict(organisation_types(event, language))}


def partnering_summary(registration: Registration) -> dict | None:
    """What the private page's partnering section shows (None: nothing to show)."""
    profile = profiles.profile_of(registration)
    active = profile is not None and profile.is_active
    if not profiles.can_join(registration) and not active:
        return None
    lists = meeting_requests.requests_of(profile) if active else None
    return {"profile": profile if active else None, "lists": lists,
            "can_join": profiles.can_join(registration)}


def _register_summary(state) -> None:
    state.app.jinja_env.globals["partnering_summary"] = partnering_summary


bp.record_once(_register_summary)


def _registration_or_404(slug: str, token: str) -> Registration:
    registration = db.session.execute(
        db.select(Registration).join(Event).where(Registration.token == token, Event.slug == slug)
    ).scalar_one_or_none()
    if registration is None or not secrets_equal(token, registration.token):
        abort(404)
    use_person_language(registration.locale)
    return registration


def _private(body, status: int = 200):
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _home(registration: Registration):
    return redirect(url_for("partnering.index", slug=registration.event.slug,
                            token=registration.token))


def _participant(slug: str, token: str) -> tuple[Registration, PartneringProfile | None]:
    registration = _registration_or_404(slug, token)
    profile = profiles.active_profile(registration)
    if profile is not None and not meeting_requests.is_usable(profile):
        profile = None
    return registration, profile


def _not_participating(registration: Registration):
    flash(_("Join partnering first: fill in your profile."), "info")
    return _home(registration)


@bp.route("/e/<slug>/r/<token>/partnering/")
@token_access
def index(slug: str, token: str):
    registration, profile = _participant(slug, token)
    event = registration.event
    context = {"event": event, "registration": registration, "profile": profile,
               "settings": partnering_settings(event),
               "can_join": profiles.can_join(registration), **_labels(event)}
    if profile is not None and context["can_join"]:
        context.update(lists=meeting_requests.requests_of(profile),
                       suggestions=directory.suggestions(profile),
                       sent=meeting_requests.sent_count(profile),
                       meetings=meeting_requests.meeting_count(profile))
    elif profile is not None:
        context.update(lists=meeting_requests.requests_of(profile))
    return _private(render_template("partnering/index.html", **context))


def _profile_form(event: Event, profile: PartneringProfile | None) -> ProfileForm:
    language = _language()
    if request.method == "POST":
        form = ProfileForm()
    elif profile is not None:
        data = {"organisation_type": profile.organisation_type, "country": profile.country,
                "sectors": profile.sector_list, "description": profile.description}
        for kind in NEED_LISTS:
            needs = [n for n in profile.needs if n.kind.value == kind]
            for i, need in enumerate(needs[:NEEDS_MAX]):
                data[f"{kind}_type_{i}"] = need.cooperation_type
                data[f"{kind}_text_{i}"] = need.text
        form = ProfileForm(data=data)
    else:
        form = ProfileForm()
    form.organisation_type.choices = [("", _("Choose…"))] + organisation_types(event, language)
    form.country.choices = country_choices()
    form.sectors.choices = sector_choices(event, language)
    type_choices = [("", _("Choose…"))] + cooperation_type_choices(event, language)
    for kind in NEED_LISTS:
        for i in range(NEEDS_MAX):
            form[f"{kind}_type_{i}"].choices = type_choices
    return form


def _rows_shown(form: ProfileForm, kind: str) -> int:
    filled = [i for i, (kind_value, text) in enumerate(form.need_pairs(kind))
              if kind_value or text]
    return max(MIN_NEED_ROWS, (filled[-1] + 1 if filled else 0) + EMPTY_NEED_ROWS)


@bp.route("/e/<slug>/r/<token>/partnering/profile", methods=["GET", "POST"])
@token_access
def edit_profile(slug: str, token: str):
    registration, profile = _participant(slug, token)
    event = registration.event
    if not profiles.can_join(registration):
        flash(_("Partnering is open to confirmed participants while the organizers run it."),
              "error")
        return _home(registration)
    form = _profile_form(event, profile)
    if form.validate_on_submit():
        try:
            if profile is None:
                profiles.join(registration, form.profile_input())
                message = _("Welcome to partnering! Other participants can now find you.")
            else:
                profiles.update_profile(profile, form.profile_input())
                message = _("Your partnering profile is saved.")
        except PartneringError as error:
            db.session.rollback()
            field = error.details.get("field")
            if field == "offers" or field == "requests":
                form.form_errors.append(error.message)
            elif field in form:
                form[field].errors = [*form[field].errors, error.message]
            else:
                form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(message, "success")
            return _home(registration)
    status = 400 if request.method == "POST" else 200
    rows = {kind: form.need_rows(kind, _rows_shown(form, kind)) for kind in NEED_LISTS}
    return _private(render_template("partnering/profile_form.html", event=event,
                                    registration=registration, profile=profile, form=form,
                                    rows=rows, need_lists=NEED_LISTS), status)


@bp.route("/e/<slug>/r/<token>/partnering/leave", methods=["POST"])
@token_access
def leave(slug: str, token: str):
    registration, profile = _participant(slug, token)
    form = ReasonForm()
    if profile is not None and form.validate_on_submit():
        try:
            profiles.leave(profile)
        except PartneringError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("You have left partnering. Your open requests and meetings are "
                    "cancelled and the other participants were told."), "success")
    return _home(registration)


def _query_value(name: str) -> str:
    """A directory filter from the query string: printable, not too long, else none."""
    value = request.args.get(name, "", type=str).strip()
    if len(value) > FILTER_MAX_LENGTH or not value.isprintable():
        return ""
    return value


@bp.route("/e/<slug>/r/<token>/partnering/directory")
@token_access
def directory_page(slug: str, token: str):
    registration, profile = _participant(slug, token)
    if profile is None or not profiles.can_join(registration):
        return _not_participating(registration)
    event = registration.event
    page = query_int("page", minimum=1, maximum=10_000) or 1
    flt = directory.DirectoryFilter(
        text=_query_value("q"), sector=_query_value("sector"), country=_query_value("country"),
        organisation_type=_query_value("organisation_type"),
        offer_type=_query_value("offer"), request_type=_query_value("looking_for"),
        page=page)
    result = directory.search(profile, flt)
    return _private(render_template(
        "partnering/directory.html", event=event, registration=registration, profile=profile,
        flt=flt, result=result, countries=country_choices(),
        sectors=sector_choices(event, _language()),
        types=cooperation_type_choices(event, _language()),
        organisation_types=organisation_types(event, _language()), **_labels(event)))


@bp.route("/e/<slug>/r/<token>/partnering/p/<int:profile_id>")
@token_access
def profile_page(slug: str, token: str, profile_id: int):
    registration, profile = _participant(slug, token)
    if profile is None or not profiles.can_join(registration):
        return _not_participating(registration)
    try:
        other = directory.visible_profile(profile, profile_id)
    except PartneringError:
        abort(404)
    return _private(_render_profile(registration, profile, other, RequestForm()))


def _render_profile(registration, profile, other, form) -> str:
    event = registration.event
    return render_template(
        "partnering/profile.html", event=event, registration=registration, profile=profile,
        other=other, form=form, open_request=meeting_requests.open_request_between(profile,
                                                                                   other),
        why=directory.score(profile, other).reasons if other.id != profile.id else [],
        **_labels(event))


@bp.route("/e/<slug>/r/<token>/partnering/p/<int:profile_id>/request", methods=["POST"])
@token_access
def send_request(slug: str, token: str, profile_id: int):
    registration, profile = _participant(slug, token)
    if profile is None or not profiles.can_join(registration):
        return _not_participating(registration)
    try:
        other = directory.visible_profile(profile, profile_id)
    except PartneringError:
        abort(404)
    form = RequestForm()
    if form.validate_on_submit():
        try:
            meeting_requests.send_request(profile, other, form.message.data or "")
        except PartneringError as error:
            db.session.rollback()
            form.message.errors = [*form.message.errors, error.message]
        else:
            db.session.commit()
            flash(_("Your request is sent. We will email you the answer."), "success")
            return _home(registration)
    return _private(_render_profile(registration, profile, other, form), 400)


def _act_on_request(slug: str, token: str, request_id: int, action, done: str):
    registration, profile = _participant(slug, token)
    if profile is None:
        return _not_participating(registration)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return _home(registration)
    try:
        meeting = meeting_requests.request_of(profile, request_id)
        action(meeting, profile, form)
    except PartneringError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return _home(registration)


@bp.route("/e/<slug>/r/<token>/partnering/requests/<int:request_id>/accept",
          methods=["POST"])
@token_access
def accept(slug: str, token: str, request_id: int):
    return _act_on_request(
        slug, token, request_id,
        lambda meeting, profile, form: meeting_requests.accept_request(meeting, profile),
        _("Request accepted: you have a meeting."))


@bp.route("/e/<slug>/r/<token>/partnering/requests/<int:request_id>/decline",
          methods=["POST"])
@token_access
def decline(slug: str, token: str, request_id: int):
    return _act_on_request(
        slug, token, request_id,
        lambda meeting, profile, form: meeting_requests.decline_request(
            meeting, profile, form.reason.data or ""),
        _("Request declined."))


@bp.route("/e/<slug>/r/<token>/partnering/requests/<int:request_id>/withdraw",
          methods=["POST"])
@token_access
def withdraw(slug: str, token: str, request_id: int):
    return _act_on_request(
        slug, token, request_id,
        lambda meeting, profile, form: meeting_requests.withdraw_request(meeting, profile),
        _("Request withdrawn."))


@bp.route("/e/<slug>/r/<token>/partnering/requests/<int:request_id>/cancel",
          methods=["POST"])
@token_access
def cancel(slug: str, token: str, request_id: int):
    return _act_on_request(
        slug, token, request_id,
        lambda meeting, profile, form: meeting_requests.cancel_meeting(
            meeting, profile, form.reason.data or ""),
        _("Meeting cancelled."))
