"""Group orders: a contact person registers several colleagues and pays once."""

from conference.group_orders.routes import bp

__all__ = ["bp"]
