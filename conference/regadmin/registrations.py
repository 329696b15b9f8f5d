"""Back-office pages of an event's registrations: list, exports, import, detail, actions.

Every change goes through ``conference.services.registration.core`` (locks, history, emails);
these views only parse forms and translate domain errors into messages.
"""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from conference.audit import log_export
from conference.extensions import db
from conference.inputs import query_int
from conference.models import (
    CheckIn,
    Event,
    PaymentStatus,
    QuestionKind,
    Registration,
    RegistrationState,
)
from conference.regadmin.blueprint import bp, get_registration, get_ticket_type
from conference.regadmin.forms import (
    ConfirmForm,
    ImportForm,
    StaffDetailsForm,
    TicketTypeChangeForm,
    WalkInForm,
)
from conference.registration.forms import country_choices, form_with_questions
from conference.security import event_access
from conference.services import DomainError
from conference.services.checkin.core import undo_check_in
from conference.services.messaging.listing import messages_to
from conference.services.registration import core as registration_service
from conference.services.registration import seats as seats_service
from conference.services.registration.admin import (
    CHECKED_IN_ANY_DAY,
    CHECKED_IN_NOT_YET,
    SORT_COLUMNS,
    RegistrationFilter,
    check_ins_of,
    list_registrations,
)
from conference.services.registration.attendee_input import active_questions
from conference.services.registration.export import export_csv, export_xlsx
from conference.services.registration.guest_import import (
    MAX_IMPORT_BYTES,
    ImportFileError,
    ImportRejected,
    import_guests,
)
from conference.services.registration.history import registration_history
from conference.services.registration.payment import PAYMENT_STATES
from conference.services.registration.settings import questions_of, ticket_types_of

PER_PAGE = 50

#: Clear messages for the registration service's error codes.
ERROR_MESSAGES = {
    "sales_closed": _l("Registration is closed for this ticket type."),
    "sold_out": _l("No seats left on this ticket type or at the event."),
    "already_registered": _l("This email already has an active registration for the event."),
    "invalid_transition": _l("This is not possible in the registration's current state."),
    "invalid_answer": _l("An answer is not valid."),
    "consent_required": _l("The privacy policy must be accepted."),
    "invalid_details": _l("Please correct this field."),
}


def _message(error: DomainError) -> str:
    return str(ERROR_MESSAGES.get(error.code, error.message))


def _filter_from_args(event: Event) -> tuple[RegistrationFilter, dict]:
    """The list's filter from the query string; unknown values are ignored."""
    args = request.args
    flt = RegistrationFilter(search=args.get("q", "")[:200].strip())
    ticket_type = args.get("ticket_type", "")
    flt.ticket_type_id = query_int("ticket_type", minimum=1)
    state = args.get("state", "")
    if state == "active":
        flt.states = [RegistrationState.CONFIRMED, RegistrationState.PENDING,
                      RegistrationState.WAITLISTED]
    elif state in {s.value for s in RegistrationState}:
        flt.states = [RegistrationState(state)]
    payment = args.get("paid", "")
    if payment in PAYMENT_STATES:
        flt.payment = payment
    checked_in = args.get("checked_in", "")
    if checked_in in (CHECKED_IN_ANY_DAY, CHECKED_IN_NOT_YET):
        flt.checked_in = checked_in
    elif checked_in in {day.isoformat() for day in event.days}:
        flt.checked_in = dt.date.fromisoformat(checked_in)
    if args.get("sort") in SORT_COLUMNS:
        flt.sort = args["sort"]
    flt.descending = args.get("dir", "desc" if flt.sort == "created" else "asc") == "desc"
    kept = {"q": flt.search, "ticket_type": ticket_type if flt.ticket_type_id else "",
            "state": state if flt.states else "", "paid": payment if flt.payment else "",
            "checked_in": checked_in if flt.checked_in else "",
            "sort": flt.sort, "dir": "desc" if flt.descending else "asc"}
    return flt, {k: v for k, v in kept.items() if v}


@bp.route("/registrations")
@event_access("organizer")
def registrations(event: Event):
    flt, kept = _filter_from_args(event)
    page = list_registrations(event, flt, page=query_int("page", minimum=1) or 1,
                              per_page=PER_PAGE)
    return render_template("regadmin/registrations.html", event=event, page=page, args=kept,
                           ticket_types=ticket_types_of(event), states=list(RegistrationState),
                           payments=PAYMENT_STATES)


@bp.route("/registrations/export.csv")
@event_access("organizer")
def export_registrations_csv(event: Event):
    flt, kept = _filter_from_args(event)
    data = export_csv(event, flt)
    log_export("registrations.csv", event=event, filters=kept,
               row_count=list_registrations(event, flt, per_page=1).total)
    return _download(data, f"{event.slug}-registrations.csv",
                     "text/csv; charset=utf-8")


@bp.route("/registrations/export.xlsx")
@event_access("organizer")
def export_registrations_xlsx(event: Event):
    flt, kept = _filter_from_args(event)
    data = export_xlsx(event, flt)
    log_export("registrations.xlsx", event=event, filters=kept,
               row_count=list_registrations(event, flt, per_page=1).total)
    return _download(data, f"{event.slug}-registrations.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/registrations/import", methods=["GET", "POST"])
@event_access("organizer")
def import_registrations(event: Event):
    form = ImportForm()
    rejected = []
    if form.validate_on_submit():
        data = form.file.data.read(MAX_IMPORT_BYTES + 1)
        try:
            result = import_guests(event, data, by_user=current_user,
                                   ignore_capacity=form.ignore_capacity.data,
                                   notify=form.notify.data)
        except ImportFileError as error:
            form.file.errors.append(error.message)
        except ImportRejected as error:
            rejected = error.details["rejected"]
            flash(error.message, "error")
        else:
            flash(_("%(count)d guests imported.", count=len(result.imported)), "success")
            return redirect(url_for("regadmin.registrations", slug=event.slug))
    return render_template("regadmin/import.html", event=event, form=form, rejected=rejected,
                           ticket_types=ticket_types_of(event))


@bp.route("/registrations/new", methods=["GET", "POST"])
@event_access("organizer")
def walk_in(event: Event):
    questions = active_questions(event)
    form = form_with_questions(WalkInForm, questions)()
    form.ticket_type.choices = [SelectChoice(t.id, t.name) for t in ticket_types_of(event)]
    form.country.choices = country_choices()
    if form.validate_on_submit():
        ticket_type = get_ticket_type(event, form.ticket_type.data)
        try:
            registration = registration_service.register(
                event, ticket_type, form.details(_locale()), answers=form.answers(questions),
                privacy_consent=form.privacy_consent.data, join_waitlist=False,
                by_user=current_user, ignore_sales_window=True,
                ignore_capacity=form.ignore_capacity.data)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            flash(_("%(name)s is registered.", name=registration.full_name), "success")
            return redirect(url_for("regadmin.registration", slug=event.slug,
                                    registration_id=registration.id))
    return render_template("regadmin/walk_in.html", event=event, form=form)


def _locale() -> str:
    return str(get_locale() or "en")


def _show_error(form, error: DomainError) -> None:
    """Put a service refusal on the field it names, or flash it."""
    name = error.details.get("field") or (
        f"q_{error.details['question_id']}" if "question_id" in error.details else None)
    if name and name in form:
        form[name].errors = [*form[name].errors, _message(error)]
    else:
        flash(_message(error), "error")


@bp.route("/registrations/<int:registration_id>")
@event_access("organizer")
def registration(event: Event, registration_id: int):
    reg = get_registration(event, registration_id)
    answers = {a.question_id: a.value for a in reg.answers}
    return render_template(
        "regadmin/registration.html", event=event, reg=reg,
        history=registration_history(reg), check_ins=check_ins_of([reg.id]).get(reg.id, []),
        questions=[q for q in questions_of(event) if q.active or q.id in answers],
        answers=answers, payments=list(PaymentStatus), confirm=ConfirmForm(),
        emails=messages_to(event, reg.email),
        waitlist_position=(seats_service.waitlist_position(reg)
                           if reg.state is RegistrationState.WAITLISTED else None))


@bp.route("/registrations/<int:registration_id>/edit", methods=["GET", "POST"])
@event_access("organizer")
def registration_edit(event: Event, registration_id: int):
    reg = get_registration(event, registration_id)
    questions = active_questions(event)
    form_class = form_with_questions(StaffDetailsForm, questions)
    form = form_class() if request.method == "POST" else form_class(obj=reg)
    if request.method != "POST":
        answers = {a.question_id: a.value for a in reg.answers}
        for question in questions:
            value = answers.get(question.id, "")
            field = form[f"q_{question.id}"]
            if question.kind is QuestionKind.MULTIPLE_CHOICE:
                field.data = value.splitlines()
            elif question.kind is QuestionKind.CHECKBOX:
                field.data = bool(value)
            else:
                field.data = value
    form.country.choices = country_choices()
    if form.validate_on_submit():
        try:
            registration_service.update_details(reg, form.details(reg.locale),
                                                answers=form.answers(questions),
                                                by_user=current_user)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            flash(_("Details saved."), "success")
            return _back(event, reg)
    return render_template("regadmin/registration_edit.html", event=event, reg=reg, form=form)


def _back(event: Event, reg: Registration):
    return redirect(url_for("regadmin.registration", slug=event.slug, registration_id=reg.id))


def _confirmed_action(event: Event, registration_id: int, action, *, title, question,
                      done, danger=True):
    """GET asks for confirmation, POST does it: for cancelling and rejecting."""
    reg = get_registration(event, registration_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            action(reg)
        except DomainError as error:
            db.session.rollback()
            flash(_message(error), "error")
        else:
            flash(done, "success")
        return _back(event, reg)
    return render_template("regadmin/confirm.html", event=event, reg=reg, form=form,
                           title=title, question=question, danger=danger)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@event_access("organizer")
def registration_cancel(event: Event, registration_id: int):
    def cancel(reg):
        promoted = registration_service.cancel(reg, by_user=current_user)
        if promoted:
            flash(_("%(count)d people moved up from the waiting list.", count=len(promoted)),
                  "success")

    return _confirmed_action(
        event, registration_id, cancel, title=_("Cancel registration"),
        question=_("Cancel this registration? The seat goes to the waiting list and the "
                   "attendee is emailed."), done=_("Registration cancelled."))


@bp.route("/registrations/<int:registration_id>/reject", methods=["GET", "POST"])
@event_access("organizer")
def registration_reject(event: Event, registration_id: int):
    return _confirmed_action(
        event, registration_id,
        lambda reg: registration_service.reject(reg, by_user=current_user),
        title=_("Reject registration"),
        question=_("Reject this registration? The attendee is emailed."),
        done=_("Registration rejected."))


@bp.route("/registrations/<int:registration_id>/approve", methods=["POST"])
@event_access("organizer")
def registration_approve(event: Event, registration_id: int):
    reg = get_registration(event, registration_id)
    if ConfirmForm().validate_on_submit():
        try:
            registration_service.approve(reg, by_user=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(_message(error), "error")
        else:
            flash(_("Registration approved."), "success")
    return _back(event, reg)


@bp.route("/registrations/<int:registration_id>/resend-link", methods=["POST"])
@event_access("organizer")
def registration_resend_link(event: Event, registration_id: int):
    reg = get_registration(event, registration_id)
    if ConfirmForm().validate_on_submit():
        registration_service.resend_link(event, reg.email)
        flash(_("The private link was emailed to %(email)s.", email=reg.email), "success")
    return _back(event, reg)


@bp.route("/registrations/<int:registration_id>/payment", methods=["POST"])
@event_access("organizer")
def registration_payment(event: Event, registration_id: int):
    reg = get_registration(event, registration_id)
    status = request.form.get("status", "")
    if status not in {p.value for p in PaymentStatus} or not ConfirmForm().validate_on_submit():
        flash(_("Choose paid, unpaid or waived."), "error")
        return _back(event, reg)
    try:
        registration_service.set_payment_status(reg, PaymentStatus(status),
                                                by_user=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(_message(error), "error")
    else:
        flash(_("Payment saved."), "success")
    return _back(event, reg)


@bp.route("/registrations/<int:registration_id>/check-ins/<int:checkin_id>/undo",
          methods=["POST"])
@event_access("organizer")
def registration_undo_check_in(event: Event, registration_id: int, checkin_id: int):
    reg = get_registration(event, registration_id)
    entry = db.session.get(CheckIn, checkin_id)
    if entry is None or entry.registration_id != reg.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        undo_check_in(entry, user=current_user)
        db.session.commit()
        flash(_("Check-in undone: %(name)s may enter again.", name=reg.full_name), "success")
    return _back(event, reg)


@bp.route("/registrations/<int:registration_id>/ticket-type", methods=["GET", "POST"])
@event_access("organizer")
def registration_ticket_type(event: Event, registration_id: int):
    reg = get_registration(event, registration_id)
    form = TicketTypeChangeForm()
    form.ticket_type.choices = [SelectChoice(t.id, t.name) for t in ticket_types_of(event)
                                if t.id != reg.ticket_type_id]
    if form.validate_on_submit():
        try:
            registration_service.change_ticket_type(
                reg, get_ticket_type(event, form.ticket_type.data), by_user=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(_message(error), "error")
        else:
            flash(_("Ticket type changed."), "success")
            return _back(event, reg)
    return render_template("regadmin/change_ticket_type.html", event=event, reg=reg, form=form)
