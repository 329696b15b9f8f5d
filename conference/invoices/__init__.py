from conference.invoices.routes import bp

__all__ = ["bp"]
