"""Privacy pages: the event's policy (public and managed), the public participant list,
and the superusers' export log."""

from conference.privacy.routes import bp

__all__ = ["bp"]
