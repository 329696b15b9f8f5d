"""Partnering on the day and afterwards: each participant's meeting agenda (page, PDF,
ratings), the organizer's table plan, table sheets and statistics, and the door's
partnering desk. Importing the route modules registers their views on ``bp``."""

from conference.partnering_day import attendee, desk, manage  # noqa: F401
from conference.partnering_day.blueprint import bp

__all__ = ["bp"]
