"""Personal data: the organizer's retention and erasure pages, the attendee's rights."""

from conference.privacy_rights import routes_retention, routes_rights  # noqa: F401 (routes)
from conference.privacy_rights.blueprint import bp

__all__ = ["bp"]
