"""The public call for proposals, speakers' private pages and the public speakers pages."""

from conference.cfp import language  # noqa: F401  (registers its route on bp)
from conference.cfp.routes import bp

__all__ = ["bp"]
