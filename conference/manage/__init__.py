from conference.manage.routes import bp

__all__ = ["bp"]
