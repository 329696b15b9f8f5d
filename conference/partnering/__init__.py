"""Partnering for attendees: join, the directory, profiles and meeting requests."""

from conference.partnering.routes import bp

__all__ = ["bp"]
