from conference.promotion_manage.routes import bp

__all__ = ["bp"]
