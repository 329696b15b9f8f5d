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


# --- schedule: windows.py, availability.py, placement.py ---------------------------------


class InvalidWindow(PartneringError):
    """A window outside the event's days, ending before it starts, or overlapping another."""

    code = "invalid_window"


class InvalidBreaks(PartneringError):
    """The breaks text cannot be read, or a break lies outside its window."""

    code = "invalid_breaks"


class SlotsInUse(PartneringError):
    """The change would remove slots (or tables) that hold placed meetings;
    ``details["meetings"]`` says how many."""

    code = "slots_in_use"


class InvalidTableSettings(PartneringError):
    code = "invalid_table_settings"


class UnknownSlot(PartneringError):
    """A slot id that is not one of the event's slots."""

    code = "unknown_slot"


class StaleSchedule(PartneringError):
    """The schedule changed since the organizer's page was loaded."""

    code = "stale_schedule"


class NotPlaceable(PartneringError):
    """A move, swap or lock that would break a rule (someone in two places, a taken table,
    a busy person, a meeting that is not accepted or not placed)."""

    code = "not_placeable"


class AlreadyPublished(PartneringError):
    """Publishing again with nothing changed since the last publication."""

    code = "already_published"
