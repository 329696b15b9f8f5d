from conference.auth.routes import bp

__all__ = ["bp"]
