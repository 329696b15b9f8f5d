"""Orders: the filtered list, one order with its history, mark paid by hand, record a
refund. Every change goes through ``conference.services.payments.state``."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from conference.extensions import db
from conference.inputs import query_int
from conference.models import Event, Order
from conference.payments_manage.blueprint import bp
from conference.payments_manage.forms import MarkPaidForm, RefundForm
from conference.security import event_access, get_in_event_or_404
from conference.services.payments import state as payment_state
from conference.services.payments.listing import ORDER_FILTERS, is_overdue, list_orders
from conference.services.payments.methods import payment_instructions


@bp.route("/orders")
@event_access("organizer")
def orders(event: Event):
    state = request.args.get("state") or None
    state = state if state in ORDER_FILTERS else None
    search = request.args.get("q", "")[:200]
    page = list_orders(event, state=state, search=search, page=query_int("page") or 1)
    args = {key: value for key, value in (("state", state), ("q", search)) if value}
    return render_template("payments_manage/orders.html", event=event, page=page, args=args,
                           filters=ORDER_FILTERS, is_overdue=is_overdue)


def _order_page(event: Event, order: Order, *, mark_form=None, refund_form=None, status=200):
    return render_template(
        "payments_manage/order.html", event=event, order=order,
        history=payment_state.history_of(order), overdue=is_overdue(order),
        mark_form=mark_form or MarkPaidForm(formdata=None),
        refund_form=refund_form or RefundForm(formdata=None),
        can_mark=order.state in payment_state.OPEN_STATES,
        can_refund=(order.amount_paid or 0) > 0,
        pay=payment_instructions(order)), status


@bp.route("/orders/<int:order_id>")
@event_access("organizer")
def order(event: Event, order_id: int):
    return _order_page(event, get_in_event_or_404(Order, event, order_id))


@bp.route("/orders/<int:order_id>/mark-paid", methods=["POST"])
@event_access("organizer")
def mark_paid(event: Event, order_id: int):
    order = get_in_event_or_404(Order, event, order_id)
    form = MarkPaidForm()
    if form.validate_on_submit():
        try:
            payment_state.mark_paid(order, by=current_user, note=form.note.data,
                                    amount=form.amount.data or None, method=form.method.data)
        except payment_state.PaymentError as error:
            db.session.rollback()
            form.amount.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Payment recorded."), "success")
            return redirect(url_for("payments_manage.order", slug=event.slug,
                                    order_id=order.id))
    return _order_page(event, order, mark_form=form, status=400)


@bp.route("/orders/<int:order_id>/refund", methods=["POST"])
@event_access("organizer")
def refund(event: Event, order_id: int):
    order = get_in_event_or_404(Order, event, order_id)
    form = RefundForm()
    if form.validate_on_submit():
        try:
            payment_state.record_refund(order, form.amount.data, by=current_user,
                                        refunded_on=form.refunded_on.data,
                                        method=form.method.data, note=form.note.data or "")
        except payment_state.PaymentError as error:
            db.session.rollback()
            form.amount.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Refund recorded."), "success")
            return redirect(url_for("payments_manage.order", slug=event.slug,
                                    order_id=order.id))
    return _order_page(event, order, refund_form=form, status=400)
