"""Back-office pages to set up registration: ticket types, questions, settings, dashboard."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from conference.extensions import db
from conference.models import BadgeRole, Event, QuestionKind, WaitlistMode
from conference.regadmin.blueprint import (
    bp,
    get_question,
    get_ticket_type,
    to_local,
    to_utc,
)
from conference.regadmin.forms import (
    ConfirmForm,
    QuestionForm,
    RegistrationSettingsForm,
    TicketTypeForm,
)
from conference.security import event_access
from conference.services import DomainError
from conference.services.payments.listing import payment_totals
from conference.services.registration import waitlist as waitlist_service
from conference.services.registration.admin import chart_bars, dashboard_figures
from conference.services.registration.settings import (
    RegistrationAdminError,
    TicketTypeFields,
    answers_to,
    delete_question,
    delete_ticket_type,
    questions_of,
    registrations_using,
    save_question,
    save_registration_settings,
    save_ticket_type,
    ticket_types_of,
)


@bp.route("/ticket-types")
@event_access("organizer")
def ticket_types(event: Event):
    figures = dashboard_figures(event)
    return render_template("regadmin/ticket_types.html", event=event, figures=figures)


@bp.route("/ticket-types/new", methods=["GET", "POST"])
@event_access("organizer")
def ticket_type_new(event: Event):
    return _ticket_type_form(event, None)


@bp.route("/ticket-types/<int:ticket_type_id>/edit", methods=["GET", "POST"])
@event_access("organizer")
def ticket_type_edit(event: Event, ticket_type_id: int):
    return _ticket_type_form(event, get_ticket_type(event, ticket_type_id))


def _ticket_type_form(event: Event, ticket_type):
    form = TicketTypeForm(obj=ticket_type)
    if ticket_type is not None and not form.is_submitted():
        form.visibility.data = "public" if ticket_type.is_public else "code"
        form.badge_role.data = ticket_type.badge_role.value
        form.sales_open_at.data = to_local(ticket_type.sales_open_at, event)
        form.sales_close_at.data = to_local(ticket_type.sales_close_at, event)
    if form.validate_on_submit():
        fields = TicketTypeFields(
            name=form.name.data, description=form.description.data or "",
            includes=form.includes.data or "",
            price=form.price.data or Decimal("0"), currency=form.currency.data,
            vat_rate=form.vat_rate.data, capacity=form.capacity.data,
            sales_open_at=to_utc(form.sales_open_at.data, event),
            sales_close_at=to_utc(form.sales_close_at.data, event),
            is_public=form.visibility.data == "public", access_code=form.access_code.data,
            requires_approval=form.requires_approval.data,
            badge_role=BadgeRole(form.badge_role.data),
            counts_toward_event_capacity=form.counts_toward_event_capacity.data,
            position=form.position.data or 0,
        )
        try:
            saved, grew = save_ticket_type(event, ticket_type, fields)
        except RegistrationAdminError as error:
            db.session.rollback()
            getattr(form, error.details.get("field", "name")).errors.append(error.message)
        else:
            db.session.commit()
            promoted = waitlist_service.promote_waitlist(saved) if grew else []
            flash(_("Ticket type saved."), "success")
            if promoted:
                flash(_("%(count)d people moved up from the waiting list.",
                        count=len(promoted)), "success")
            return redirect(url_for("regadmin.ticket_types", slug=event.slug))
    return render_template("regadmin/ticket_type_form.html", event=event, form=form,
                           ticket_type=ticket_type)


@bp.route("/ticket-types/<int:ticket_type_id>/delete", methods=["GET", "POST"])
@event_access("organizer")
def ticket_type_delete(event: Event, ticket_type_id: int):
    ticket_type = get_ticket_type(event, ticket_type_id)
    return _confirm_and_delete(
        event, ticket_type, delete_ticket_type, registrations_using,
        done=_("Ticket type “%(name)s” deleted.", name=ticket_type.name),
        listing="regadmin.ticket_types", template="regadmin/ticket_type_delete.html")


def _confirm_and_delete(event: Event, obj, delete, count_uses, *, done: str, listing: str,
                        template: str):
    """GET asks for confirmation; a confirmed POST deletes ``obj`` and goes back to the list.

    The page gets ``obj`` and ``in_use`` (``count_uses(obj)``): when not zero it explains
    why the object cannot go instead of offering to delete it. A POST the service refuses
    (say, a registration came in since the page was shown) shows that page again.
    """
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            delete(obj)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for(listing, slug=event.slug))
    return render_template(template, event=event, obj=obj, form=form, in_use=count_uses(obj))


@bp.route("/registration-settings", methods=["GET", "POST"])
@event_access("organizer")
def settings(event: Event):
    form = RegistrationSettingsForm(obj=event)
    if not form.is_submitted():
        form.waitlist_mode.data = event.waitlist_mode.value
        form.edit_deadline.data = to_local(event.edit_deadline, event)
    if form.validate_on_submit():
        try:
            grew = save_registration_settings(
                event, capacity=form.capacity.data,
                waitlist_mode=WaitlistMode(form.waitlist_mode.data),
                waitlist_offer_hours=form.waitlist_offer_hours.data,
                edit_deadline=to_utc(form.edit_deadline.data, event),
                privacy_policy_version=form.privacy_policy_version.data,
                privacy_policy_url=form.privacy_policy_url.data or "",
                requires_payment=form.requires_payment.data)
        except RegistrationAdminError as error:
            db.session.rollback()
            getattr(form, error.details.get("field", "capacity")).errors.append(error.message)
        else:
            db.session.commit()
            promoted = []
            if grew:
                for ticket_type in ticket_types_of(event):
                    promoted += waitlist_service.promote_waitlist(ticket_type)
            flash(_("Registration settings saved."), "success")
            if promoted:
                flash(_("%(count)d people moved up from the waiting list.",
                        count=len(promoted)), "success")
            return redirect(url_for("regadmin.ticket_types", slug=event.slug))
    return render_template("regadmin/settings.html", event=event, form=form)


@bp.route("/questions")
@event_access("organizer")
def questions(event: Event):
    return render_template("regadmin/questions.html", event=event,
                           questions=questions_of(event))


@bp.route("/questions/new", methods=["GET", "POST"])
@event_access("organizer")
def question_new(event: Event):
    return _question_form(event, None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@event_access("organizer")
def question_edit(event: Event, question_id: int):
    return _question_form(event, get_question(event, question_id))


def _question_form(event: Event, question):
    form = QuestionForm(obj=question)
    if question is not None and not form.is_submitted():
        form.kind.data = question.kind.value
    if form.validate_on_submit():
        try:
            save_question(event, question, label=form.label.data,
                          help_text=form.help_text.data or "",
                          kind=QuestionKind(form.kind.data), options=form.options.data or "",
                          required=form.required.data, position=form.position.data or 0,
                          active=form.active.data, sensitive=form.sensitive.data)
        except RegistrationAdminError as error:
            db.session.rollback()
            getattr(form, error.details.get("field", "label")).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Question saved."), "success")
            return redirect(url_for("regadmin.questions", slug=event.slug))
    return render_template("regadmin/question_form.html", event=event, form=form,
                           question=question)


@bp.route("/questions/<int:question_id>/delete", methods=["GET", "POST"])
@event_access("organizer")
def question_delete(event: Event, question_id: int):
    question = get_question(event, question_id)
    return _confirm_and_delete(
        event, question, delete_question, answers_to,
        done=_("Question “%(label)s” deleted.", label=question.label),
        listing="regadmin.questions", template="regadmin/question_delete.html")


@bp.route("/dashboard")
@event_access("organizer")
def dashboard(event: Event):
    figures = dashboard_figures(event)
    return render_template("regadmin/dashboard.html", event=event, figures=figures,
                           bars=chart_bars(figures.per_day), chart_width=720, chart_height=200,
                           money=payment_totals(event))
