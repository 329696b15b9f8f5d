"""The event's emails for organizers (``/manage/<slug>/emails``)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from conference.links import add_link
from conference.models import Event, OutboxStatus
from conference.security import event_access
from conference.services.messaging import listing
from conference.services.messaging.outbox import failure_code

bp = Blueprint("mail_manage", __name__, url_prefix="/manage/<slug>/emails")


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Emails"), url_for("mail_manage.index", slug=event.slug)


STATUS_LABELS = {
    OutboxStatus.HELD: _l("held"),
    OutboxStatus.PENDING: _l("waiting to be sent"),
    OutboxStatus.SENT: _l("sent"),
    OutboxStatus.FAILED: _l("failed"),
    OutboxStatus.SKIPPED: _l("not sent"),
}
STATUS_CLASSES = {
    OutboxStatus.HELD: "status-warn",
    OutboxStatus.PENDING: "status-warn",
    OutboxStatus.SENT: "status-ok",
    OutboxStatus.FAILED: "status-bad",
    OutboxStatus.SKIPPED: "",
}
#: Known failure reasons, said plainly (the raw error is shown for any other).
FAILURE_TEXTS = {
    "smtputf8_unsupported": _l(
        "Cannot be delivered: the address has non-ASCII characters before the @ and our mail "
        "server does not support them (SMTPUTF8). Ask for another address, or use a mail "
        "server with SMTPUTF8."),
    "invalid_domain": _l("Cannot be delivered: the address's domain is not a valid name."),
    "unsubscribed": _l("Not sent: the address unsubscribed from this event's announcements."),
}


def mail_failure_text(message) -> str:
    """Why a message was not sent, for organizers ("" when nothing went wrong)."""
    if not message.last_error:
        return ""
    code = failure_code(message)
    return str(FAILURE_TEXTS[code]) if code else message.last_error


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))


@bp.app_context_processor
def _outbox_labels():
    return {"OUTBOX_STATUS_LABELS": STATUS_LABELS, "OUTBOX_STATUS_CLASSES": STATUS_CLASSES,
            "mail_failure_text": mail_failure_text}


@bp.route("/")
@event_access("organizer")
def index(event: Event):
    status = None
    if wanted := request.args.get("status", ""):
        try:
            status = OutboxStatus(wanted)
        except ValueError:
            abort(400)
    return render_template("mail_manage/index.html", event=event, status=status,
                           statuses=list(OutboxStatus),
                           counts=listing.status_counts(event),
                           messages=listing.event_messages(event, status),
                           limit=listing.LIST_LIMIT)
