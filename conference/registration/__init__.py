from conference.registration.routes import bp

__all__ = ["bp"]
