"""Funder reports: attendance sheets and participant indicators for the organizers."""

from conference.reports.routes import bp

__all__ = ["bp"]
