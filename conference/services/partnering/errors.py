"""Coded errors of the partnering rules (each module adds its own subclasses here)."""

from __future__ import annotations

from conference.services import DomainError


class PartneringError(DomainError):
    code = "partnering_error"


class PartneringClosed(PartneringError):
    """Partnering is switched off for the event (or the person's registration is not
    active)."""

    code = "partnering_closed"


class NotAParticipant(PartneringError):
    """The person has not joined partnering, or has left it."""

    code = "not_a_participant"
