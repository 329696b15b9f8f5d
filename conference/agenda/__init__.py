"""The public programme, its exports, and the attendee's personal agenda."""

from conference.agenda.routes import bp

__all__ = ["bp"]
