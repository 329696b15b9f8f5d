from conference.checkin.routes import bp

__all__ = ["bp"]
