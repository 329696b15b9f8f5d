from conference.payments.routes import bp

__all__ = ["bp"]
