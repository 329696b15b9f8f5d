"""Personal data: the organizer's retention page and the attendee's rights (download, erase)."""

from conference.privacy_rights.routes_retention import bp

__all__ = ["bp"]
