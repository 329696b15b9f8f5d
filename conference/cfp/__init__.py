"""The public call for proposals, speakers' private pages and the public speakers pages."""

from conference.cfp.routes import bp

__all__ = ["bp"]
