"""The organizers' programme back office."""

from conference.programme.routes import bp

__all__ = ["bp"]
