"""Organizers' pages of the call for proposals: settings, reviewers, decisions, speakers."""

from conference.cfp_manage.routes import bp

__all__ = ["bp"]
