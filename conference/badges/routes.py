"""Badge downloads: the attendee's own badge and the organizers' badge pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from conference.audit import log_export
from conference.badges.forms import (
    STATE_LABELS,
    BadgeFilterForm,
    BadgeSettingsForm,
    PrintRunForm,
)
from conference.content import localized_sort
from conference.extensions import db
from conference.inputs import parse_int
from conference.jobs import dispatch
from conference.links import add_link
from conference.models import (
    BadgeRole,
    Event,
    Registration,
    RegistrationState,
    TicketType,
)
from conference.security import (
    event_access,
    find_by_secret,
    get_event_or_404,
    get_in_event_or_404,
    token_access,
)
from conference.services.badges.core import (
    LAYOUT_LABELS,
    ROLE_LABELS,
    BadgeError,
    logo_path,
    reissue_ticket_code,
    render_attendee_badge,
    render_badges,
    save_badge_settings,
    select_for_badges,
    warn_if_font_subsetting_is_slow,
)
from conference.services.badges.print_runs import BadgeSelection, start_print_run

bp = Blueprint("badges", __name__)


def _attendee_link(registration: Registration):
    if registration.state is not RegistrationState.CONFIRMED:
        return None
    return _("Your badge (PDF)"), url_for("badges.attendee_badge",
                                          slug=registration.event.slug, token=registration.token)


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Badges"), url_for("badges.index", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "attendee", _attendee_link))
bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))
bp.record_once(lambda state: warn_if_font_subsetting_is_slow())


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/e/<slug>/r/<token>/badge.pdf")
@token_access
def attendee_badge(slug: str, token: str):
    """The attendee's own badge, through the private link (confirmed registrations only)."""
    event = get_event_or_404(slug)
    registration = find_by_secret(Registration, event, token)
    if registration is None:
        abort(404)
    try:
        data = render_attendee_badge(registration)
    except BadgeError:
        abort(404)
    return _pdf(data, f"badge-{event.slug}.pdf")


@bp.route("/manage/<slug>/badges/")
@event_access("organizer")
def index(event: Event):
    form = _filter_form(event)
    registrations = _filtered(event, form)
    return render_template("badges/index.html", event=event, form=form,
                           registrations=registrations, layout_label=LAYOUT_LABELS.get(
                               event.badge_layout, event.badge_layout),
                           ROLE_LABELS=ROLE_LABELS, STATE_LABELS=STATE_LABELS,
                           selection_args=_filter_args(form), print_form=PrintRunForm())


@bp.route("/manage/<slug>/badges/print", methods=["POST"])
@event_access("organizer")
def print_run(event: Event):
    """Start a print run job (all confirmed badges, or the list's selection) and show its
    progress; a run of the same selection already under way is joined, not repeated."""
    form = PrintRunForm()
    selection = _print_selection(form) if form.validate_on_submit() else None
    if selection is None:
        flash(_("This selection cannot be printed; choose the filters again."), "error")
        return redirect(url_for("badges.index", slug=event.slug))
    try:
        job, created = start_print_run(event, selection, user=current_user)
    except BadgeError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("badges.index", slug=event.slug, **_selection_args(selection)))
    db.session.commit()
    log_export("badges.print_run", event=event,
               filters={"job_id": job.id, **selection.as_params()}, row_count=job.progress_total)
    if created:
        dispatch(job)
    else:
        flash(_("This print run was already started; here is its progress."), "info")
    return redirect(url_for("jobs_manage.show", slug=event.slug, job_id=job.id))


@bp.route("/manage/<slug>/badges/settings", methods=["GET", "POST"])
@event_access("organizer")
def settings(event: Event):
    form = BadgeSettingsForm(obj=event, layout=event.badge_layout,
                             double_sided=event.badge_double_sided)
    if form.validate_on_submit():
        upload = form.logo.data
        try:
            save_badge_settings(event, layout=form.layout.data,
                                double_sided=form.double_sided.data,
                                logo=upload.read() if upload else None,
                                remove_logo=form.remove_logo.data)
        except BadgeError as error:
            db.session.rollback()
            field = form.logo if error.code == "invalid_logo" else form.layout
            field.errors = [*field.errors, error.message]
        else:
            db.session.commit()
            flash(_("Badge settings saved."), "success")
            return redirect(url_for("badges.index", slug=event.slug))
    return render_template("badges/settings.html", event=event, form=form,
                           has_logo=logo_path(event) is not None)


@bp.route("/manage/<slug>/badges/<int:registration_id>/")
@event_access("organizer")
def registration_badge(event: Event, registration_id: int):
    registration = _registration_or_404(event, registration_id)
    return render_template("badges/registration.html", event=event, registration=registration,
                           ROLE_LABELS=ROLE_LABELS, STATE_LABELS=STATE_LABELS)


@bp.route("/manage/<slug>/badges/<int:registration_id>/badge.pdf")
@event_access("organizer")
def registration_badge_pdf(event: Event, registration_id: int):
    """One person's badge, whatever the state (organizers may print a pending one)."""
    registration = _registration_or_404(event, registration_id)
    response = _download(event, [registration], f"badge-{registration.id}.pdf")
    if response.status_code == 200:
        log_export("badge.pdf", event=event, filters={"registration_id": registration.id},
                   row_count=1)
    return response


@bp.route("/manage/<slug>/badges/<int:registration_id>/reissue", methods=["POST"])
@event_access("organizer")
def reissue(event: Event, registration_id: int):
    registration = _registration_or_404(event, registration_id)
    reissue_ticket_code(registration, current_user)
    db.session.commit()
    flash(_("New ticket code issued; the old badge no longer works at the door."), "success")
    return redirect(url_for("badges.registration_badge", slug=event.slug,
                            registration_id=registration.id))


def _registration_or_404(event: Event, registration_id: int) -> Registration:
    return get_in_event_or_404(Registration, event, registration_id)


def _print_selection(form: PrintRunForm) -> BadgeSelection | None:
    """The selection named by the form's hidden fields; None when a value is not valid."""
    if form.scope.data == "all":
        return BadgeSelection()
    try:
        ticket_type = form.ticket_type.data
        return BadgeSelection(
            ticket_type_id=int(ticket_type) if ticket_type else None,
            state=RegistrationState(form.state.data or RegistrationState.CONFIRMED.value),
            role=BadgeRole(form.role.data) if form.role.data else None,
            search=form.q.data or "", scope="selection")
    except ValueError:
        return None


def _selection_args(selection: BadgeSelection) -> dict[str, str]:
    if selection.scope == "all":
        return {}
    params = selection.as_params()
    args = {"ticket_type": params["ticket_type_id"], "state": params["state"],
            "role": params["role"], "q": params["search"]}
    return {name: str(value) for name, value in args.items() if value}


def _download(event: Event, registrations: list[Registration], filename: str):
    try:
        data = render_badges(registrations)
    except BadgeError as error:
        flash(error.message, "error")
        return redirect(url_for("badges.index", slug=event.slug))
    return _pdf(data, filename)


def _filter_form(event: Event) -> BadgeFilterForm:
    form = BadgeFilterForm(request.args)
    ticket_types = db.session.execute(
        db.select(TicketType).filter_by(event_id=event.id).order_by(
            TicketType.position, localized_sort(TicketType.name))
    ).scalars()
    form.ticket_type.choices = [SelectChoice("", _("Any ticket type"))] + [
        SelectChoice(str(t.id), t.name) for t in ticket_types]
    if not request.args.get("state"):
        form.state.data = RegistrationState.CONFIRMED.value
    return form


def _filtered(event: Event, form: BadgeFilterForm) -> list[Registration]:
    if not form.validate():
        return []
    # Optional() lets blank-looking values ("\r\n") past the choices: read them defensively.
    states = {s.value: s for s in RegistrationState}
    roles = {r.value: r for r in BadgeRole}
    return select_for_badges(
        event,
        ticket_type_id=parse_int(form.ticket_type.data, minimum=1),
        state=states.get(form.state.data, RegistrationState.CONFIRMED),
        role=roles.get(form.role.data),
        search=form.q.data or "",
    )


def _filter_args(form: BadgeFilterForm) -> dict[str, str]:
    return {name: form[name].data for name in ("ticket_type", "state", "role", "q")
            if form[name].data}
