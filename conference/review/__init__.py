"""Reviewers' pages: assigned proposals, scoring, the next proposal to review."""

from conference.review.routes import bp

__all__ = ["bp"]
