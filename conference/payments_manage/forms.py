"""Forms of the organizers' payment pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from conference.payments_manage.blueprint import METHOD_LABELS

_METHODS = [SelectChoice(code, METHOD_LABELS[code])
            for code in ("bank_transfer", "cash", "card", "other")]


class MarkPaidForm(FlaskForm):
    amount = StringField(_l("Amount received"), validators=[Optional(), Length(max=20)],
                         description=_l("Leave empty for the whole amount still owed."))
    method = SelectField(_l("Paid by"), choices=_METHODS, default="bank_transfer")
    note = TextAreaField(_l("Note"), validators=[InputRequired(), Length(max=2000)],
                         description=_l("Why it is marked by hand, e.g. “paid in cash at the "
                                        "desk, receipt 14”."))
    submit = SubmitField(_l("Mark paid"))


class RefundForm(FlaskForm):
    amount = StringField(_l("Amount refunded"), validators=[InputRequired(), Length(max=20)])
    refunded_on = DateField(_l("Refunded on"), validators=[InputRequired()])
    method = SelectField(_l("Refunded by"), choices=_METHODS, default="bank_transfer")
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record refund"))


class StatementUploadForm(FlaskForm):
    file = FileField(_l("Statement file"), validators=[FileRequired()],
                     description=_l("MT940 (.sta, .mt940, .txt) or the bank's CSV export; at "
                                    "most 20 MB."))
    file_format = SelectField(_l("Format"), choices=[SelectChoice("mt940", "MT940"),
                                                      SelectChoice("csv", "CSV")],
                              default="mt940")
    submit = SubmitField(_l("Import statement"))


class CsvMappingForm(FlaskForm):
    date_column = StringField(_l("Date column"), validators=[InputRequired(), Length(max=100)],
                              description=_l("The header as in the file, e.g. “Data "
                                             "operacji”."))
    amount_column = StringField(_l("Amount column"),
                                validators=[InputRequired(), Length(max=100)])
    title_column = StringField(_l("Transfer title column"),
                               validators=[InputRequired(), Length(max=100)])
    payer_column = StringField(_l("Payer name column"), validators=[Optional(), Length(max=100)])
    account_column = StringField(_l("Payer account column"),
                                 validators=[Optional(), Length(max=100)])
    id_column = StringField(_l("Transaction id column"),
                            validators=[Optional(), Length(max=100)],
                            description=_l("Leave empty when the bank gives none."))
    currency_column = StringField(_l("Currency column"), validators=[Optional(), Length(max=100)])
    default_currency = StringField(_l("Currency when there is no currency column"),
                                   default="PLN", validators=[InputRequired(), Length(max=3)])
    submit = SubmitField(_l("Save mapping"))


class AssignForm(FlaskForm):
    reference = StringField(_l("Order reference"), validators=[InputRequired(), Length(max=100)])
    submit = SubmitField(_l("Assign"))


class ConfirmForm(FlaskForm):
    """A bare form: its CSRF token protects a button."""
