"""Certificates of attendance: organizer pages, the attendee's download, public verification."""

from conference.certificates.routes import bp

__all__ = ["bp"]
