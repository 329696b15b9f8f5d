"""Organizers' email pages: the event's outbox, bulk messages and scheduled emails."""

from conference.mail_manage import bulk, schedules  # noqa: F401 - they add their routes
from conference.mail_manage.routes import bp

__all__ = ["bp"]
