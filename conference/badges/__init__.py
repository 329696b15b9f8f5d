"""Badges: the attendee's own badge, the organizers' badge pages, and ``flask badges``."""

from conference.badges.routes import bp

__all__ = ["bp"]
