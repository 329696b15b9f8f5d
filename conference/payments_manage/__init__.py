"""Organizers' payment pages: orders, their history, marks by hand and refunds, bank
statement imports and the credits waiting for a decision."""

from conference.payments_manage import routes, statements  # noqa: F401  (route modules)
from conference.payments_manage.blueprint import bp

__all__ = ["bp"]
