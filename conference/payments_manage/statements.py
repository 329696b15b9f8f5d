"""Bank statements: upload (imported by a background job), the CSV column mapping, and
the credits waiting for a decision (assign to an order, or ignore)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from conference.extensions import db
from conference.jobs import dispatch
from conference.models import BankTransaction, Event
from conference.payments_manage.blueprint import bp
from conference.payments_manage.forms import (
    AssignForm,
    ConfirmForm,
    CsvMappingForm,
    StatementUploadForm,
)
from conference.security import event_access, get_in_event_or_404
from conference.services import DomainError
from conference.services.payments.statements.csv_format import csv_mapping, save_csv_mapping
from conference.services.payments.statements.job import start_statement_import
from conference.services.payments.statements.lines import MAX_FILE_BYTES, StatementError
from conference.services.payments.statements.review import (
    assign_transaction,
    find_order_by_reference,
    ignore_transaction,
    recent_imports,
    transactions_to_review,
)


def _statements_page(event: Event, form=None, status=200):
    return render_template(
        "payments_manage/statements.html", event=event,
        form=form or StatementUploadForm(formdata=None), imports=recent_imports(event),
        waiting=transactions_to_review(event), assign_form=AssignForm(formdata=None),
        confirm_form=ConfirmForm(), has_mapping=csv_mapping(event) is not None), status


@bp.route("/payments/statements", methods=["GET", "POST"])
@event_access("organizer")
def statements(event: Event):
    form = StatementUploadForm()
    if not form.validate_on_submit():
        return _statements_page(event, form, 400 if form.is_submitted() else 200)
    data = form.file.data.read(MAX_FILE_BYTES + 1)
    try:
        job, created = start_statement_import(
            event, data, filename=form.file.data.filename or "statement",
            file_format=form.file_format.data, user=current_user)
    except StatementError as error:
        db.session.rollback()
        form.file.errors.append(error.message)
        return _statements_page(event, form, 400)
    db.session.commit()
    if created:
        dispatch(job)
    else:
        flash(_("This statement is being imported already; here is its progress."), "info")
    return redirect(url_for("jobs_manage.show", slug=event.slug, job_id=job.id))


@bp.route("/payments/statements/csv-mapping", methods=["GET", "POST"])
@event_access("organizer")
def csv_mapping_form(event: Event):
    form = CsvMappingForm(obj=csv_mapping(event))
    if form.validate_on_submit():
        try:
            save_csv_mapping(event, **{name: form[name].data or "" for name in (
                "date_column", "amount_column", "title_column", "payer_column",
                "account_column", "id_column", "currency_column")},
                default_currency=form.default_currency.data)
        except StatementError as error:
            db.session.rollback()
            form[error.details.get("field", "date_column")].errors.append(error.message)
        else:
            db.session.commit()
            flash(_("CSV column mapping saved."), "success")
            return redirect(url_for("payments_manage.statements", slug=event.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("payments_manage/csv_mapping.html", event=event, form=form), status


@bp.route("/payments/transactions/<int:transaction_id>/assign", methods=["POST"])
@event_access("organizer")
def assign(event: Event, transaction_id: int):
    transaction = get_in_event_or_404(BankTransaction, event, transaction_id)
    form = AssignForm()
    if not form.validate_on_submit():
        flash(_("Enter the order's reference."), "error")
        return redirect(url_for("payments_manage.statements", slug=event.slug))
    order = find_order_by_reference(event, form.reference.data)
    if order is None:
        flash(_("No order of this event has the reference “%(reference)s”.",
                reference=form.reference.data[:40]), "error")
        return redirect(url_for("payments_manage.statements", slug=event.slug))
    try:
        assign_transaction(transaction, order, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The credit is booked on order %(reference)s.", reference=order.reference),
              "success")
    return redirect(url_for("payments_manage.statements", slug=event.slug))


@bp.route("/payments/transactions/<int:transaction_id>/ignore", methods=["POST"])
@event_access("organizer")
def ignore(event: Event, transaction_id: int):
    transaction = get_in_event_or_404(BankTransaction, event, transaction_id)
    if ConfirmForm().validate_on_submit():
        try:
            ignore_transaction(transaction, by=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The credit is marked as not a payment for this event."), "success")
    return redirect(url_for("payments_manage.statements", slug=event.slug))
