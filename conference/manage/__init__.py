from conference.manage import translations  # noqa: F401  (registers its routes on bp)
from conference.manage.routes import bp

__all__ = ["bp"]
