"""Payments: the organizers' bank-transfer settings and the attendees' payment QR codes.

Organizers: ``/manage/<slug>/payments/bank-transfer``. Attendees (the private link's token is
the key): ``/e/<slug>/r/<token>/pay/<kind>.png``. The rules live in
``conference.services.payments``.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from conference.extensions import db
from conference.links import add_link
from conference.models import DeadlineAction, Event, Registration
from conference.models.types import utcnow
from conference.payments.forms import BankTransferForm
from conference.security import event_access, secrets_equal, token_access
from conference.services.payments.bank_account import (
    InvalidBankDetails,
    bank_transfer_settings,
    save_bank_transfer,
)
from conference.services.payments.methods import instructions_for
from conference.services.payments.orders import open_missing_orders
from conference.services.payments.qr import payment_qr_png

bp = Blueprint("payments", __name__)


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Payments by bank transfer"), url_for("payments.bank_transfer", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))

#: What each payment QR code is for, shown under it and as its text alternative.
QR_CODE_LABELS = {
    "zbp": _l("QR code for Polish banking apps"),
    "epc": _l("QR code for European banking apps (EPC GiroCode)"),
}


def _template_globals(state) -> None:
    # Emails are rendered outside any request (the outbox), so these are app-wide globals.
    state.app.jinja_env.globals.update(payment_instructions_for=instructions_for,
                                       QR_CODE_LABELS=QR_CODE_LABELS)


bp.record_once(_template_globals)


@bp.route("/manage/<slug>/payments/bank-transfer", methods=["GET", "POST"])
@event_access("organizer")
def bank_transfer(event: Event):
    settings = bank_transfer_settings(event)
    form = BankTransferForm(obj=settings)
    if settings is not None and not form.is_submitted():
        form.deadline_action.data = settings.deadline_action.value
    if form.validate_on_submit():
        try:
            save_bank_transfer(
                event, payee_name=form.payee_name.data, iban=form.iban.data,
                bank_name=form.bank_name.data or "", bic=form.bic.data or "",
                deadline_days=form.deadline_days.data,
                deadline_action=DeadlineAction(form.deadline_action.data),
                reminder_days=form.reminder_days.data
                if form.reminder_days.data is not None else 3)
        except InvalidBankDetails as error:
            db.session.rollback()
            getattr(form, error.details["field"]).errors.append(error.message)
        else:
            opened = open_missing_orders(event, now=utcnow())
            db.session.commit()
            flash(_("Bank-transfer settings saved."), "success")
            if opened:
                flash(ngettext("%(num)d registration that owes money now has its transfer "
                               "reference.", "%(num)d registrations that owe money now have "
                               "their transfer references.", opened), "info")
            return redirect(url_for("payments.bank_transfer", slug=event.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("payments/bank_transfer.html", event=event, form=form), status


@bp.route("/e/<slug>/r/<token>/pay/<kind>.png")
@token_access
def payment_qr(slug: str, token: str, kind: str):
    """The ``zbp`` or ``epc`` payment QR of the registration's order, as PNG (no-store)."""
    registration = db.session.execute(
        db.select(Registration).join(Event).where(Registration.token == token, Event.slug == slug)
    ).scalar_one_or_none()
    if registration is None or not secrets_equal(token, registration.token):
        abort(404)
    instructions = instructions_for(registration)
    if instructions is None or kind not in instructions.qr_codes:
        abort(404)
    image = payment_qr_png(instructions, kind)
    if image is None:
        abort(404)
    response = current_app.make_response(image)
    response.mimetype = "image/png"
    response.headers["Cache-Control"] = "no-store"
    return response
