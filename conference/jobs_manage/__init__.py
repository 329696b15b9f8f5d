"""The organizers' job pages: progress, result download and retry of background jobs."""

from conference.jobs_manage.routes import bp

__all__ = ["bp"]
