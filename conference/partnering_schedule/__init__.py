"""Partnering schedule: the organizer's windows and schedule board, the attendee's
availability checklist."""

from conference.partnering_schedule import (  # noqa: F401 (routes)
    routes_availability,
    routes_board,
    routes_windows,
)
from conference.partnering_schedule.blueprint import bp

__all__ = ["bp"]
