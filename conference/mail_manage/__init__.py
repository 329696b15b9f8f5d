"""Organizers' view of an event's outbox: what was sent, what waits, what failed and why."""

from conference.mail_manage.routes import bp

__all__ = ["bp"]
