"""Partnering for organizers: the hub, the settings and the participants list."""

from conference.partnering_manage.routes import bp

__all__ = ["bp"]
