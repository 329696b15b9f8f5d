"""One-click unsubscribe from an event's announcements (public, secret link, RFC 8058)."""

from conference.unsubscribe.routes import bp

__all__ = ["bp"]
