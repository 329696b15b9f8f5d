"""Public group orders: ``/e/<slug>/register/group`` (the form) and the payer's order page
``/e/<slug>/order/<order_token>`` (the token is the key). Rules live in
``conference.services.registration.group``."""

from __future__ import annotations

import base64

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.extensions import db, limiter
from conference.group_orders.forms import DEFAULT_ROWS, MAX_ROWS, GroupOrderForm
from conference.inputs import query_int
from conference.links import add_link
from conference.models import Event, EventStatus, TicketType
from conference.security import get_public_event_or_404, public, secrets_equal, token_access
from conference.services.payments.methods import payment_instructions
from conference.services.payments.qr import payment_qr_png
from conference.services.registration.attendee_input import AttendeeDetails
from conference.services.registration.core import (
    AlreadyRegistered,
    ConsentRequired,
    InvalidAccessCode,
    InvalidDetails,
    RegistrationError,
    SalesClosed,
    SoldOut,
)
from conference.services.registration.group import (
    Contact,
    GroupMember,
    order_by_token,
    register_group,
)

bp = Blueprint("group_orders", __name__)


def _event_link(event: Event):
    """On the public event page, while registration is open and a paid ticket is sold."""
    if event.status is EventStatus.PUBLISHED and any(t.price for t in _ticket_types(event)):
        return str(_l("Register colleagues in one order")), url_for(
            "group_orders.register", slug=event.slug)
    return None


bp.record_once(lambda state: add_link(state.app, "event", _event_link))

ROW_ERRORS = {
    InvalidDetails: _l("Please check this attendee's name and email."),
    AlreadyRegistered: _l("This email is already registered for the event."),
    SalesClosed: _l("This ticket is not on sale right now."),
    InvalidAccessCode: _l("This ticket cannot be ordered for a group."),
}
FORM_ERRORS = {
    SoldOut: _l("There are not enough seats left for the whole group; nobody was registered. "
                "Try fewer attendees or another ticket."),
    ConsentRequired: _l("The privacy policy must be accepted."),
}


def _limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _ticket_types(event: Event) -> list[TicketType]:
    return list(db.session.execute(
        db.select(TicketType).where(TicketType.event_id == event.id,
                                    TicketType.is_public.is_(True))
        .order_by(TicketType.position, TicketType.id)).scalars())


def _members(form: GroupOrderForm, types: dict[str, TicketType], locale: str):
    """(row index, GroupMember) of the filled rows; a row error is added to the form."""
    members, ok = [], True
    for index, row in enumerate(form.members):
        if row.form.is_empty():
            continue
        ticket_type = types.get(row.form.ticket_type.data or "")
        if ticket_type is None:
            row.form.ticket_type.errors = [_("Please choose a ticket.")]
            ok = False
            continue
        members.append((index, GroupMember(ticket_type, AttendeeDetails(
            first_name=row.form.first_name.data or "", last_name=row.form.last_name.data or "",
            email=row.form.email.data or "", locale=locale))))
    return members, ok


def _row_error(form: GroupOrderForm, rows: list[int], error: RegistrationError) -> bool:
    index = error.details.get("index")
    if index is None or index >= len(rows):
        return False
    row = form.members[rows[index]].form
    field = {"first_name": row.first_name, "last_name": row.last_name}.get(
        error.details.get("field"), row.email)
    message = next((m for kind, m in ROW_ERRORS.items() if isinstance(error, kind)),
                   error.message)
    field.errors = [str(message)]
    return True


@bp.route("/e/<slug>/register/group", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@public
def register(slug: str):
    event = get_public_event_or_404(slug)
    ticket_types = _ticket_types(event)
    rows = min(max(query_int("rows") or DEFAULT_ROWS, 1), MAX_ROWS)
    form = GroupOrderForm()
    if request.method == "GET":
        while len(form.members) < rows:
            form.members.append_entry()
    choices = [("", _("Choose a ticket"))] + [(str(t.id), str(t.name)) for t in ticket_types]
    for row in form.members:
        row.form.ticket_type.choices = choices
        if request.method == "GET" and len(ticket_types) == 1:
            row.form.ticket_type.data = str(ticket_types[0].id)
    open_ = bool(ticket_types) and event.status is EventStatus.PUBLISHED
    if open_ and form.validate_on_submit():
        locale = str(get_locale())
        filled, ok = _members(form, {str(t.id): t for t in ticket_types}, locale)
        if not filled and ok:
            form.form_errors.append(_("Fill in at least one attendee."))
        elif ok:
            try:
                result = register_group(
                    event, Contact(name=form.contact_name.data, email=form.contact_email.data,
                                   organization=form.contact_organization.data, locale=locale),
                    [member for _, member in filled],
                    privacy_consent=form.privacy_consent.data)
            except RegistrationError as error:
                if error.details.get("field", "").startswith("contact_"):
                    form[error.details["field"]].errors = [str(_("Please correct this "
                                                                 "field."))]
                elif not _row_error(form, [i for i, _ in filled], error):
                    message = next((m for kind, m in FORM_ERRORS.items()
                                    if isinstance(error, kind)), error.message)
                    form.form_errors.append(str(message))
            else:
                if isinstance(result, list):
                    return redirect(url_for("group_orders.registered", slug=event.slug,
                                            count=len(result)))
                return redirect(url_for("group_orders.order_page", slug=event.slug,
                                        order_token=result.token))
    status = 400 if request.method == "POST" else 200
    return render_template("group_orders/register.html", event=event, form=form,
                           open_=open_, more_rows=min(len(form.members) + 3, MAX_ROWS)), status


@bp.route("/e/<slug>/register/group/done")
@public
def registered(slug: str):
    """A group without anything to pay: everyone got their email."""
    event = get_public_event_or_404(slug)
    return render_template("group_orders/registered.html", event=event,
                           count=query_int("count", maximum=MAX_ROWS) or 0)


@bp.route("/e/<slug>/order/<order_token>")
@token_access
def order_page(slug: str, order_token: str):
    """The payer's page: the order, who is in it, and how to pay (with the QR codes)."""
    event = db.session.execute(db.select(Event).where(Event.slug == slug)).scalar_one_or_none()
    order = order_by_token(event, order_token) if event is not None else None
    if order is None or not secrets_equal(order_token, order.token):
        abort(404)
    pay = payment_instructions(order)
    codes = {}
    if pay is not None:
        for kind in pay.qr_codes:
            image = payment_qr_png(pay, kind)
            if image is not None:
                codes[kind] = base64.b64encode(image).decode()
    response = current_app.make_response(render_template(
        "group_orders/order.html", event=event, order=order, pay=pay, codes=codes))
    response.headers["Cache-Control"] = "no-store"
    return response
