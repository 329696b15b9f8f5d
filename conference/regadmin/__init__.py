"""The organizers' registration back office: ticket types, questions, registrations."""

from conference.regadmin import registrations, routes  # noqa: F401 - they add routes to bp
from conference.regadmin.blueprint import bp

__all__ = ["bp"]
