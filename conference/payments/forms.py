"""The organizers' bank-transfer settings form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from conference.models import DeadlineAction
from conference.services.payments.bank_account import MAX_DEADLINE_DAYS

DEADLINE_ACTION_LABELS = {
    DeadlineAction.CANCEL: _l("Send a reminder, then cancel the registration and free the seat"),
    DeadlineAction.FLAG: _l("Keep the registration and flag the order as overdue"),
}


class BankTransferForm(FlaskForm):
    payee_name = StringField(_l("Payee name"), validators=[InputRequired(), Length(max=140)],
                             description=_l("As the bank knows the account holder."))
    iban = StringField(_l("IBAN"), validators=[InputRequired(), Length(max=50)],
                       description=_l("For example PL61 1090 1014 0000 0712 1981 2874."))
    bank_name = StringField(_l("Bank name"), validators=[Optional(), Length(max=140)])
    bic = StringField(_l("SWIFT/BIC"), validators=[Optional(), Length(max=20)],
                      description=_l("Needed by payers from abroad and for the EPC QR code."))
    deadline_days = IntegerField(
        _l("Payment deadline (days after registering)"), default=14,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_DEADLINE_DAYS)])
    reminder_days = IntegerField(
        _l("Remind the payer (days before the deadline)"), default=3,
        validators=[Optional(), NumberRange(min=0, max=MAX_DEADLINE_DAYS)],
        description=_l("0: no reminder."))
    deadline_action = SelectField(
        _l("At the deadline"),
        choices=[SelectChoice(action.value, label)
                 for action, label in DEADLINE_ACTION_LABELS.items()],
        default=DeadlineAction.CANCEL.value)
    submit = SubmitField(_l("Save"))
