from conference.public.routes import bp

__all__ = ["bp"]
