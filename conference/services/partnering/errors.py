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


# --- settings, profiles, directory, requests (people) -------------------------------------

class InvalidPartneringSettings(PartneringError):
    """A list too long, a line too long, or a limit outside its range (``details['field']``)."""

    code = "invalid_partnering_settings"


class InvalidProfile(PartneringError):
    """A profile field is not acceptable (``details['field']`` names it)."""

    code = "invalid_profile"


class AlreadyParticipant(PartneringError):
    """The person has an active profile already."""

    code = "already_participant"


class ProfileNotVisible(PartneringError):
    """The profile does not exist, is in another event, or its owner left partnering."""

    code = "profile_not_visible"


class CannotRequestSelf(PartneringError):
    code = "request_to_self"


class RecipientUnavailable(PartneringError):
    """The recipient left, never joined, or belongs to another event."""

    code = "recipient_unavailable"


class DuplicateRequest(PartneringError):
    """An open (pending or accepted) request between the two exists, in either direction."""

    code = "duplicate_request"


class RequestLimitReached(PartneringError):
    """The requester has sent ``max_requests_sent`` requests already."""

    code = "request_limit_reached"


class MeetingLimitReached(PartneringError):
    """Accepting would give one side (``details['side']``: ``you`` or ``other``) more than
    ``max_meetings`` meetings."""

    code = "meeting_limit_reached"


class NotYourRequest(PartneringError):
    """The request is not addressed to (or was not sent by) the person acting on it."""

    code = "not_your_request"


class RequestAlreadyAnswered(PartneringError):
    """The request is no longer pending (answered, withdrawn or cancelled)."""

    code = "request_already_answered"


class MeetingNotOpen(PartneringError):
    """Only an accepted meeting can be cancelled."""

    code = "meeting_not_open"


class InvalidMessage(PartneringError):
    """A message or reason too long or with control characters (``details['field']``)."""

    code = "invalid_message"
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
# meetings (agendas, outcomes, ratings) and the partnering desk


class NotYourMeeting(PartneringError):
    """The meeting is not one of the person's own."""

    code = "not_your_meeting"


class MeetingNotPlaced(PartneringError):
    """The meeting is not an accepted meeting with a slot and a table."""

    code = "meeting_not_placed"


class InvalidRating(PartneringError):
    """A rating must be a whole number from 1 to 5 (and the comment short)."""

    code = "invalid_rating"


class RatingTooEarly(PartneringError):
    """A meeting can be rated only once its slot has started (or it was marked held),
    never after a no-show."""

    code = "rating_too_early"


class DeskScanRefused(PartneringError):
    """A badge scanned at the partnering desk could not be used; ``code`` says why."""

    code = "desk_scan_refused"

    def __init__(self, code: str, message: str = "", **details):
        super().__init__(message or code, **details)
        self.code = code
