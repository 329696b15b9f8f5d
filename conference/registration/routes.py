"""Attendee pages: the registration form, the private self-service page, lost link.

Public: ``/e/<slug>/register``, ``/e/<slug>/lost-link``. Private (the URL's token is the
key): ``/e/<slug>/r/<token>/`` and its actions. Every rule is in
``conference.services.registration.core`` (and its ``seats`` and ``waitlist``); these views only
translate forms and errors.
"""

from __future__ import annotations

import datetime as dt

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
from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from conference.extensions import db, limiter
from conference.i18n import use_person_language
from conference.invoices import buyer as invoice_hooks
from conference.links import add_link
from conference.models import Event, EventStatus, Registration, TicketType, WaitlistMode
from conference.registration.forms import (
    ConfirmForm,
    EditForm,
    LostLinkForm,
    PersonLanguageForm,
    RegistrationForm,
    country_choices,
    form_with_questions,
)
from conference.registration.person_language import save_language_choice
from conference.security import get_public_event_or_404, public, secrets_equal, token_access
from conference.services.languages import (
    person_languages,
)
from conference.services.partnering.calendar import meeting_vevents
from conference.services.registration import core as service
from conference.services.registration import seats, waitlist
from conference.services.registration.attendee_input import active_questions
from conference.services.registration.core import (
    AlreadyRegistered,
    ConsentRequired,
    InvalidAccessCode,
    InvalidAnswer,
    InvalidDetails,
    RegistrationError,
    SalesClosed,
    SoldOut,
)
from conference.services.reports.settings import organisation_types

bp = Blueprint("registration", __name__)


def _event_link(event: Event):
    if event.status is EventStatus.PUBLISHED:
        return _("Register"), url_for("registration.register", slug=event.slug)
    return None


bp.record_once(lambda state: add_link(state.app, "event", _event_link))


def _registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


#: Messages for the coded refusals shown at the top of the form.
FORM_ERRORS = {
    SalesClosed: _l("Registration for this ticket is not open right now."),
    SoldOut: _l("This ticket is sold out. Tick the waiting-list box to be put on the "
                "waiting list."),
    InvalidAccessCode: _l("This ticket needs a valid access code."),
}
#: Messages for invalid personal fields, by field name.
DETAIL_ERRORS = {
    "first_name": _l("Please enter your first name using letters (hyphens, apostrophes and "
                     "spaces are fine)."),
    "last_name": _l("Please enter your last name using letters (hyphens, apostrophes and "
                    "spaces are fine)."),
    "email": _l("Please enter a valid email address."),
    "country": _l("Please choose a country from the list."),
    "phone": _l("A phone number may contain digits, spaces and + - ( ) . /"),
}

#: Messages for invalid answers, by reason.
ANSWER_ERRORS = {
    "required": _l("Please answer this question."),
    "choice": _l("Please choose from the options given."),
    "too_long": _l("This answer is too long."),
    "invalid": _l("This answer contains characters we cannot accept."),
}


def _offered_ticket_types(event: Event, code: str) -> list[TicketType]:
    """Public ticket types, plus hidden ones whose access code was given."""
    ticket_types = db.session.execute(
        db.select(TicketType).where(TicketType.event_id == event.id)
        .order_by(TicketType.position, TicketType.id)
    ).scalars()
    return [t for t in ticket_types
            if t.is_public or (code and secrets_equal(code, t.access_code))]


def _ticket_choices(ticket_types: list[TicketType]):
    from wtforms import SelectChoice

    from conference.i18n import format_price

    choices = []
    for ticket_type in ticket_types:
        label = f"{ticket_type.name} ({format_price(ticket_type)})"
        if seats.remaining_seats(ticket_type) == 0:
            label += " " + _("sold out: waiting list")
        choices.append(SelectChoice(str(ticket_type.id), label))
    return choices


def _apply_error(form, error: RegistrationError, questions) -> None:
    """Show a coded refusal on the right field, or at the top of the form."""
    if isinstance(error, InvalidDetails):
        field = error.details.get("field", "")
        message = DETAIL_ERRORS.get(field, _("Please check this field (it may be too long)."))
        if field in form:
            form[field].errors = [*form[field].errors, message]
            return
    if isinstance(error, InvalidAnswer):
        name = f"q_{error.details.get('question_id')}"
        if name in form:
            message = ANSWER_ERRORS.get(error.details.get("reason"), ANSWER_ERRORS["invalid"])
            form[name].errors = [*form[name].errors, message]
            return
    if isinstance(error, ConsentRequired) and "privacy_consent" in form:
        form.privacy_consent.errors = [_("Please accept the privacy policy to register.")]
        return
    form.form_errors.append(FORM_ERRORS.get(type(error), _("Your registration could not be "
                                                           "saved. Please try again.")))


def _locale() -> str:
    return str(get_locale())


@bp.route("/e/<slug>/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
@public
def register(slug: str):
    event = get_public_event_or_404(slug)
    if request.method == "GET" and event.waitlist_mode is WaitlistMode.OFFER:
        waitlist.expire_offers(event)  # lapsed offers pass on before seats are shown
    code = (request.values.get("code") or request.form.get("access_code") or "").strip()[:64]
    ticket_types = _offered_ticket_types(event, code)
    questions = active_questions(event)
    form = form_with_questions(RegistrationForm, questions)()
    form.country.choices = country_choices()
    form.organisation_type.choices = [("", _("Choose…"))] + organisation_types(event, _locale())
    form.ticket_type.choices = []  # filled below, only when the form is shown
    invoice_form = invoice_hooks.registration_invoice_form(ticket_types)
    if request.method == "GET":
        form.access_code.data = code
        unlocked = [t for t in ticket_types if not t.is_public]
        if unlocked or len(ticket_types) == 1:
            form.ticket_type.data = str((unlocked or ticket_types)[0].id)
    already = None
    if ticket_types and event.status is EventStatus.PUBLISHED and form.validate_on_submit():
        chosen = {str(t.id): t for t in ticket_types}.get(form.ticket_type.data or "")
        billing_ok, billing = invoice_hooks.registration_billing(invoice_form)
        if chosen is None:
            form.ticket_type.errors = [_("Please choose a ticket.")]
        elif billing_ok:
            try:
                registration = service.register(
                    event, chosen, form.details(_locale()), answers=form.answers(questions),
                    privacy_consent=form.privacy_consent.data,
                    consent_public_list=form.consent_public_list.data,
                    consent_news=form.consent_news.data,
                    organisation_type=form.organisation_type.data or "",
                    join_waitlist=form.join_waitlist.data, access_code=code,
                )
            except AlreadyRegistered as error:
                already = error.details.get("email")
                form.email.errors = [_("This email address is already registered for this "
                                       "event.")]
            except RegistrationError as error:
                _apply_error(form, error, questions)
            else:
                invoice_hooks.attach_registration_billing(registration, billing)
                return redirect(url_for("registration.done", slug=event.slug,
                                        token=registration.token))
    status = 400 if request.method == "POST" else 200
    form.ticket_type.choices = _ticket_choices(ticket_types)
    bad_code = bool(code) and all(t.is_public for t in ticket_types)
    return render_template("registration/register.html", event=event, form=form,
                           questions=questions, ticket_types=ticket_types, already=already,
                           invoice_form=invoice_form,
                           code=code, bad_code=bad_code, lost_form=LostLinkForm(formdata=None,
                                                             data={"email": already})), status


def _registration_or_404(slug: str, token: str) -> Registration:
    registration = db.session.execute(
        db.select(Registration).join(Event).where(Registration.token == token, Event.slug == slug)
    ).scalar_one_or_none()
    if registration is None or not secrets_equal(token, registration.token):
        abort(404)
    return registration


def _private(response_body, status: int = 200) -> Response:
    """Private pages are never cached by browsers or proxies."""
    response = current_app.make_response((response_body, status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/e/<slug>/r/<token>/done")
@token_access
def done(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    return _private(render_template("registration/done.html", event=registration.event,
                                    registration=registration,
                                    position=seats.waitlist_position(registration)))


@bp.route("/e/<slug>/r/<token>/")
@token_access
def private_page(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    if registration.offer_expires_at is not None:
        waitlist.expire_offers(registration.event)  # a lapsed offer passes on before we show it
        db.session.refresh(registration)
    now = dt.datetime.now(dt.UTC)
    use_person_language(registration.locale)
    return _private(render_template(
        "registration/private.html", event=registration.event, registration=registration,
        position=seats.waitlist_position(registration),
        can_edit=service.can_edit(registration, now), accept_form=ConfirmForm(),
        **_language_form(registration),
    ))


def _language_form(registration: Registration) -> dict:
    form = PersonLanguageForm(languages=person_languages(registration.event),
                              data={"language": registration.locale})
    return {"language_form": form,
            "language_action": url_for("registration.change_language",
                                       slug=registration.event.slug, token=registration.token)}


@bp.route("/e/<slug>/r/<token>/language", methods=["POST"])
@token_access
def change_language(slug: str, token: str):
    """The attendee's language: their emails, badge and this page use it from now on."""
    registration = _registration_or_404(slug, token)
    return save_language_choice(
        registration, url_for("registration.private_page", slug=slug, token=token))


@bp.route("/e/<slug>/r/<token>/accept", methods=["POST"])
@token_access
def accept_offer(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            waitlist.accept_offer(registration)
        except RegistrationError:
            flash(_("This offer is no longer open."), "error")
        else:
            flash(_("The seat is yours. See you at the event!"), "success")
    return redirect(url_for("registration.private_page", slug=slug, token=token))


@bp.route("/e/<slug>/r/<token>/edit", methods=["GET", "POST"])
@token_access
def edit(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    event = registration.event
    if not service.can_edit(registration):
        flash(_("Your details can no longer be changed online. Please write to the "
                "organizers."), "error")
        return redirect(url_for("registration.private_page", slug=slug, token=token))
    questions = active_questions(event)
    form_class = form_with_questions(EditForm, questions)
    if request.method == "GET":
        form = form_class(obj=registration)
        answers = {a.question_id: a.value for a in registration.answers}
        for question in questions:
            value = answers.get(question.id, "")
            field = form[f"q_{question.id}"]
            if question.kind.value == "multiple_choice":
                field.data = value.splitlines()
            elif question.kind.value == "checkbox":
                field.data = bool(value)
            else:
                field.data = value
    else:
        form = form_class()
    form.country.choices = country_choices()
    if form.validate_on_submit():
        try:
            service.update_details(registration, form.details(registration.locale),
                                   answers=form.answers(questions))
        except AlreadyRegistered:
            form.email.errors = [_("Another registration for this event uses this email.")]
        except RegistrationError as error:
            _apply_error(form, error, questions)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("registration.private_page", slug=slug, token=token))
    status = 400 if request.method == "POST" else 200
    return _private(render_template("registration/edit.html", event=event,
                                    registration=registration, form=form,
                                    questions=questions), status)


@bp.route("/e/<slug>/r/<token>/cancel", methods=["GET", "POST"])
@token_access
def cancel(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.cancel(registration)
        except RegistrationError:
            flash(_("This registration is already cancelled."), "error")
        else:
            flash(_("Your registration is cancelled. We have sent you a confirmation."),
                  "success")
        return redirect(url_for("registration.private_page", slug=slug, token=token))
    return _private(render_template("registration/cancel.html", event=registration.event,
                                    registration=registration, form=form))


@bp.route("/e/<slug>/r/<token>/event.ics")
@token_access
def calendar(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    event = registration.event
    cal = Calendar()
    cal.add("prodid", "-//LifeScience Open Space//conference//EN")
    cal.add("version", "2.0")
    entry = CalendarEvent()
    host = current_app.config["BASE_URL"].split("://", 1)[-1].split("/", 1)[0]
    entry.add("uid", f"event-{event.id}@{host}")
    entry.add("dtstamp", dt.datetime.now(dt.UTC))
    entry.add("dtstart", event.starts_on)
    entry.add("dtend", event.ends_on + dt.timedelta(days=1))
    entry.add("summary", event.name)
    location = ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    if location:
        entry.add("location", location)
    entry.add("url", seats.private_link(registration))
    entry.add("description", _("Your registration: %(link)s",
                               link=seats.private_link(registration)))
    cal.add_component(entry)
    for meeting in meeting_vevents(registration, language=registration.locale or event.language):
        cal.add_component(meeting)
    response = _private(cal.to_ical())
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@bp.route("/e/<slug>/lost-link", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
@public
def lost_link(slug: str):
    event = get_public_event_or_404(slug)
    form = LostLinkForm()
    if form.validate_on_submit():
        service.resend_link(event, form.email.data)
        # The same answer whether or not the address is registered.
        flash(_("If this address is registered for %(event)s, we have just emailed the link "
                "to it. Please check your inbox (and spam folder).", event=event.name), "info")
        return redirect(url_for("registration.lost_link", slug=slug))
    status = 400 if request.method == "POST" else 200
    return render_template("registration/lost_link.html", event=event, form=form), status
