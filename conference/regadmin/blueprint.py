"""The blueprint and the helpers its route modules share."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user

from conference.links import add_link
from conference.models import Event, Question, Registration, TicketType
from conference.regadmin.forms import (
    BADGE_ROLE_LABELS,
    KIND_LABELS,
    PAYMENT_CLASSES,
    PAYMENT_LABELS,
    STATE_CLASSES,
    STATE_LABELS,
)
from conference.security import get_in_event_or_404
from conference.services.registration.history import CHECK_IN, CHECK_IN_UNDONE
from conference.services.registration.payment import PAYMENT_STATE_LABELS, payment_state

bp = Blueprint("regadmin", __name__, url_prefix="/manage/<slug>")

#: Sections of the event management overview, in order.
SECTIONS = (
    (_l("Registrations"), "regadmin.registrations"),
    (_l("Ticket types"), "regadmin.ticket_types"),
    (_l("Questions"), "regadmin.questions"),
    (_l("Registration dashboard"), "regadmin.dashboard"),
)

#: Names of the history's check-in lines (other actions show their stored code).
HISTORY_ACTION_LABELS = {
    CHECK_IN: lazy_pgettext("history", "checked in"),
    CHECK_IN_UNDONE: lazy_pgettext("history", "check-in undone"),
}


def _section_provider(label, endpoint):
    def provider(event: Event):
        if current_user.is_authenticated and current_user.can_manage(event):
            return str(label), url_for(endpoint, slug=event.slug)
        return None

    return provider


@bp.record_once
def _links(state) -> None:
    for label, endpoint in SECTIONS:
        add_link(state.app, "manage", _section_provider(label, endpoint))


@bp.context_processor
def _labels():
    return {"STATE_LABELS": STATE_LABELS, "STATE_CLASSES": STATE_CLASSES,
            "PAYMENT_LABELS": PAYMENT_LABELS, "PAYMENT_CLASSES": PAYMENT_CLASSES,
            "PAYMENT_STATE_LABELS": PAYMENT_STATE_LABELS, "payment_state": payment_state,
            "HISTORY_ACTION_LABELS": HISTORY_ACTION_LABELS,
            "BADGE_ROLE_LABELS": BADGE_ROLE_LABELS, "KIND_LABELS": KIND_LABELS}


def get_registration(event: Event, registration_id: int) -> Registration:
    return get_in_event_or_404(Registration, event, registration_id)


def get_ticket_type(event: Event, ticket_type_id: int) -> TicketType:
    return get_in_event_or_404(TicketType, event, ticket_type_id)


def get_question(event: Event, question_id: int) -> Question:
    return get_in_event_or_404(Question, event, question_id)


def to_utc(local: dt.datetime | None, event: Event) -> dt.datetime | None:
    """A wall-clock time typed in the event's timezone, as a UTC instant."""
    if local is None:
        return None
    return local.replace(tzinfo=event.tz).astimezone(dt.UTC)


def to_local(instant: dt.datetime | None, event: Event) -> dt.datetime | None:
    """A UTC instant as a naive wall-clock time in the event's timezone (form fields)."""
    if instant is None:
        return None
    return instant.astimezone(event.tz).replace(tzinfo=None)
