from conference.feedback.routes import bp

__all__ = ["bp"]
