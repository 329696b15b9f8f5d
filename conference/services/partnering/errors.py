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
