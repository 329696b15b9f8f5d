"""An event's bank-transfer settings: validated with schwifty before they are saved."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from schwifty import BIC, IBAN
from schwifty.exceptions import InvalidChecksumDigits, SchwiftyException

from conference.extensions import db
from conference.models import BankTransferSettings, DeadlineAction, Event
from conference.services import DomainError

#: Longest payment deadline an organizer may set, in days.
MAX_DEADLINE_DAYS = 365


class InvalidBankDetails(DomainError):
    """A bank-transfer setting is wrong; ``details["field"]`` names it."""

    code = "invalid_bank_details"


def clean_iban(text: str) -> str:
    """The IBAN in electronic form (``PL61109010140000071219812874``); InvalidBankDetails."""
    try:
        return IBAN(text or "").compact
    except InvalidChecksumDigits as error:
        raise InvalidBankDetails(str(_l("The IBAN's check digits are wrong: please check "
                                        "the account number.")), field="iban") from error
    except SchwiftyException as error:
        raise InvalidBankDetails(str(_l("This is not a valid IBAN.")), field="iban") from error


def clean_bic(text: str) -> str:
    """The SWIFT/BIC in upper case, or "" when left empty; InvalidBankDetails."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return ""
    try:
        return str(BIC(text, allow_invalid=False))
    except SchwiftyException as error:
        raise InvalidBankDetails(str(_l("This is not a valid SWIFT/BIC code.")),
                                 field="bic") from error


def bank_transfer_settings(event: Event) -> BankTransferSettings | None:
    """The event's bank account, or None when the organizers have not set one."""
    return db.session.get(BankTransferSettings, event.id)


def save_bank_transfer(event: Event, *, payee_name: str, iban: str, bank_name: str = "",
                       bic: str = "", deadline_days: int = 14,
                       deadline_action: DeadlineAction = DeadlineAction.CANCEL,
                       reminder_days: int = 3) -> BankTransferSettings:
    """Validate and store the event's bank account (the caller commits).

    Raises InvalidBankDetails naming the field: an empty payee, an IBAN or BIC that
    schwifty refuses, a deadline outside 1..365 days.
    """
    payee_name = " ".join((payee_name or "").split())
    if not payee_name:
        raise InvalidBankDetails(str(_l("Enter the payee's name.")), field="payee_name")
    clean = clean_iban(iban)
    clean_bic_code = clean_bic(bic)
    if not 1 <= int(deadline_days) <= MAX_DEADLINE_DAYS:
        raise InvalidBankDetails(str(_l("The payment deadline must be between 1 and "
                                        "%(days)s days.", days=MAX_DEADLINE_DAYS)),
                                 field="deadline_days")
    if not 0 <= int(reminder_days) <= MAX_DEADLINE_DAYS:
        raise InvalidBankDetails(str(_l("The reminder must be between 0 and %(days)s days "
                                        "before the deadline.", days=MAX_DEADLINE_DAYS)),
                                 field="reminder_days")
    settings = bank_transfer_settings(event)
    if settings is None:
        settings = BankTransferSettings(event_id=event.id)
        db.session.add(settings)
    settings.payee_name = payee_name
    settings.iban = clean
    settings.bank_name = " ".join((bank_name or "").split())
    settings.bic = clean_bic_code
    settings.deadline_days = int(deadline_days)
    settings.deadline_action = deadline_action
    settings.reminder_days = int(reminder_days)
    return settings


def grouped_iban(iban: str) -> str:
    """``PL61 1090 1014 0000 0712 1981 2874``: the printed form, in groups of four."""
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
