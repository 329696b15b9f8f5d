"""Invoices. Organizers: ``/manage/<slug>/invoices`` (issuer settings, the list with a period
filter, PDF, ZIP job and XLSX register, issuing and correcting from the order). Attendees
(the private link's token is the key): their PDFs, a pro-forma on request, invoice details.
The rules live in ``conference.services.invoicing``.
"""

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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from conference.audit import log_export
from conference.extensions import db
from conference.invoices.buyer import cleaned_billing
from conference.invoices.forms import (
    ActionForm,
    BillingForm,
    CorrectionForm,
    IssuerForm,
    PeriodForm,
)
from conference.jobs import dispatch
from conference.links import add_link
from conference.models import Event, Order, Registration
from conference.registration.forms import country_choices
from conference.security import event_access, secrets_equal, token_access
from conference.services.invoicing import InvoicingError
from conference.services.invoicing.billing import (
    attach_billing,
    billing_details,
)
from conference.services.invoicing.exports import (
    InvalidPeriod,
    NoInvoices,
    Period,
    invoices_in,
    register_xlsx,
    start_zip_export,
)
from conference.services.invoicing.issue import (
    AlreadyInvoiced,
    NoBillingDetails,
    NotInvoiceable,
    invoice_of_event,
    invoices_of,
    issue_correction,
    issue_proforma,
    issue_vat_invoice,
    on_order_paid,
    orders_asking_for_invoices,
)
from conference.services.invoicing.pdf import invoice_filename, invoice_pdf
from conference.services.invoicing.settings import InvalidIssuer, NoIssuer, invoice_settings
from conference.services.invoicing.settings import save_issuer as save_issuer_settings

bp = Blueprint("invoices", __name__)


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Invoices"), url_for("invoices.index", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))

#: Order states as shown in the organizers' list of orders asking for an invoice.
ORDER_STATE_LABELS = {
    "free": _l("free"), "unpaid": _l("unpaid"), "partially_paid": _l("partially paid"),
    "paid": _l("paid"), "refunded": _l("refunded"), "cancelled": _l("cancelled"),
}
#: Messages for the issuer's fields, by reason.
ISSUER_ERRORS = {
    "required": _l("This field is required."),
    "too_long": _l("This is too long."),
    "format": _l("A NIP has ten digits."),
    "checksum": _l("This NIP is not valid: its check digit does not match."),
    "pattern": _l("A number pattern needs {year} and {seq} (optionally {month}), only "
                  "letters, digits and / - _ . around them, and each kind its own pattern."),
}
#: Messages for refusals to issue, by error class.
ISSUE_ERRORS = {
    NoIssuer: _l("Set up the invoice issuer first."),
    NoBillingDetails: _l("The buyer gave no invoice details."),
    AlreadyInvoiced: _l("This order already has a VAT invoice."),
    NotInvoiceable: _l("No invoice can be issued for this order in its current state."),
}


def _pdf_response(invoice):
    pdf = invoice_pdf(invoice)
    db.session.commit()  # stored at its first download
    response = current_app.make_response(pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{invoice_filename(invoice)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _period_from(form: PeriodForm) -> Period | None:
    if not (form.start.data and form.end.data):
        return None
    return Period(form.start.data, form.end.data)


# --- Organizers ------------------------------------------------------------------------


@bp.route("/manage/<slug>/invoices")
@event_access("organizer")
def index(event: Event):
    form = PeriodForm(request.args)
    period = None
    if request.args and form.validate():
        try:
            period = _period_from(form)
        except InvalidPeriod:
            form.end.errors = [_("The end must not be before the start, and a period covers "
                                 "at most about a year.")]
    status = 400 if form.errors else 200
    return render_template("invoices/index.html", event=event, form=form, period=period,
                           invoices=invoices_in(event, period), settings=invoice_settings(event),
                           orders=orders_asking_for_invoices(event), action_form=ActionForm(),
                           ), status


@bp.route("/manage/<slug>/invoices/issuer", methods=["GET", "POST"])
@event_access("organizer")
def issuer(event: Event):
    settings = invoice_settings(event)
    form = IssuerForm(obj=settings)
    if form.validate_on_submit():
        try:
            save_issuer_settings(event, form.issuer())
        except InvalidIssuer as error:
            db.session.rollback()
            form[error.details["field"]].errors.append(
                ISSUER_ERRORS.get(error.details["reason"], ISSUER_ERRORS["too_long"]))
        else:
            db.session.commit()
            flash(_("Invoice issuer saved."), "success")
            return redirect(url_for("invoices.index", slug=event.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("invoices/issuer.html", event=event, form=form), status


@bp.route("/manage/<slug>/invoices/<int:invoice_id>.pdf")
@event_access("organizer")
def invoice_download(event: Event, invoice_id: int):
    invoice = invoice_of_event(event, invoice_id)
    if invoice is None:
        abort(404)
    log_export("invoice.pdf", event=event, filters={"invoice_id": invoice.id}, row_count=1)
    return _pdf_response(invoice)


@bp.route("/manage/<slug>/invoices/register.xlsx")
@event_access("organizer")
def register(event: Event):
    form = PeriodForm(request.args)
    try:
        period = _period_from(form) if form.validate() else None
    except InvalidPeriod:
        period = None
    if request.args and period is None:
        abort(400)
    invoices = invoices_in(event, period)
    log_export("invoices.register.xlsx", event=event,
               filters={"period": period.label if period else "all"}, row_count=len(invoices))
    response = current_app.make_response(register_xlsx(invoices))
    response.mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    label = period.label if period else "all"
    response.headers["Content-Disposition"] = \
        f'attachment; filename="invoices-{event.slug}-{label}.xlsx"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/manage/<slug>/invoices/zip", methods=["POST"])
@event_access("organizer")
def zip_export(event: Event):
    form = PeriodForm(request.form)
    try:
        period = _period_from(form) if form.validate() else None
    except InvalidPeriod:
        period = None
    if period is None or not ActionForm().validate_on_submit():
        flash(_("Choose a period (from and to) first."), "error")
        return redirect(url_for("invoices.index", slug=event.slug))
    try:
        job, created = start_zip_export(event, period, user=current_user)
    except NoInvoices:
        flash(_("No invoices were issued in this period."), "info")
        return redirect(url_for("invoices.index", slug=event.slug,
                                start=period.start.isoformat(), end=period.end.isoformat()))
    db.session.commit()
    if created:
        dispatch(job)
    return redirect(url_for("jobs_manage.show", slug=event.slug, job_id=job.id))


def _order_of_event(event: Event, order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None or order.event_id != event.id:
        abort(404)
    return order


@bp.route("/manage/<slug>/orders/<int:order_id>/invoice", methods=["POST"])
@event_access("organizer")
def issue_for_order(event: Event, order_id: int):
    """The organizer's click: the VAT invoice now (institutions that pay afterwards)."""
    order = _order_of_event(event, order_id)
    if ActionForm().validate_on_submit():
        try:
            invoice = issue_vat_invoice(order)
        except InvoicingError as error:
            db.session.rollback()
            flash(ISSUE_ERRORS.get(type(error), _("No invoice was issued.")), "error")
        else:
            db.session.commit()
            invoice_pdf(invoice)
            db.session.commit()
            flash(_("Invoice %(number)s issued.", number=invoice.number), "success")
    return redirect(url_for("invoices.index", slug=event.slug))


@bp.route("/manage/<slug>/invoices/<int:invoice_id>/correct", methods=["GET", "POST"])
@event_access("organizer")
def correct(event: Event, invoice_id: int):
    invoice = invoice_of_event(event, invoice_id)
    if invoice is None:
        abort(404)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            correction = issue_correction(invoice, reason=form.reason.data.strip())
        except InvoicingError as error:
            db.session.rollback()
            flash(ISSUE_ERRORS.get(type(error), _("No invoice was issued.")), "error")
        else:
            db.session.commit()
            flash(_("Correcting invoice %(number)s issued.", number=correction.number),
                  "success")
        return redirect(url_for("invoices.index", slug=event.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("invoices/correct.html", event=event, invoice=invoice,
                           form=form), status


# --- Attendees -------------------------------------------------------------------------


def _registration_or_404(slug: str, token: str) -> Registration:
    registration = db.session.execute(
        db.select(Registration).join(Event).where(Registration.token == token, Event.slug == slug)
    ).scalar_one_or_none()
    if registration is None or not secrets_equal(token, registration.token):
        abort(404)
    return registration


def _private(body, status: int = 200):
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/e/<slug>/r/<token>/invoices/<int:invoice_id>.pdf")
@token_access
def attendee_download(slug: str, token: str, invoice_id: int):
    registration = _registration_or_404(slug, token)
    if registration.order is None:
        abort(404)
    invoice = next((i for i in invoices_of(registration.order) if i.id == invoice_id), None)
    if invoice is None:
        abort(404)
    return _pdf_response(invoice)


@bp.route("/e/<slug>/r/<token>/proforma", methods=["POST"])
@token_access
def request_proforma(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    if registration.order is not None and ActionForm().validate_on_submit():
        try:
            proforma = issue_proforma(registration.order)
        except InvoicingError:
            db.session.rollback()
            flash(_("A pro-forma invoice cannot be issued for this order."), "error")
        else:
            db.session.commit()
            flash(_("Your pro-forma invoice %(number)s is ready below.",
                    number=proforma.number), "success")
    return redirect(url_for("registration.private_page", slug=slug, token=token))


@bp.route("/e/<slug>/r/<token>/invoice-details", methods=["GET", "POST"])
@token_access
def billing(slug: str, token: str):
    """Add or change the invoice details until the VAT invoice is issued."""
    registration = _registration_or_404(slug, token)
    order = registration.order
    if order is None or any(i.kind.value == "vat" for i in invoices_of(order)):
        flash(_("Invoice details can no longer be changed here; please write to the "
                "organizers."), "error")
        return redirect(url_for("registration.private_page", slug=slug, token=token))
    details = billing_details(order)
    form = BillingForm(obj=details) if request.method == "GET" else BillingForm()
    form.country.choices = country_choices()
    if request.method == "GET" and details is None:
        form.country.data = registration.country
        form.company.data = registration.organization
    if form.validate_on_submit():
        given = cleaned_billing(form)
        if given is not None:
            attach_billing(order, given)
            on_order_paid(order)  # already paid: the VAT invoice follows at once
            db.session.commit()
            flash(_("Your invoice details are saved."), "success")
            return redirect(url_for("registration.private_page", slug=slug, token=token))
    status = 400 if form.is_submitted() else 200
    return _private(render_template("invoices/billing.html", event=registration.event,
                                    registration=registration, form=form), status)


def _template_globals(state) -> None:
    state.app.jinja_env.globals.update(
        invoices_for_registration=lambda r: invoices_of(r.order) if r.order else [],
        invoice_details_for_registration=lambda r: billing_details(r.order),
        invoice_action_form=ActionForm, ORDER_STATE_LABELS=ORDER_STATE_LABELS)


bp.record_once(_template_globals)

