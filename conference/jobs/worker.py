"""The entry point of the Celery worker and beat:

    celery -A conference.jobs.worker:celery_app worker --concurrency 2
    celery -A conference.jobs.worker:celery_app beat

It builds the Flask app from the environment (the same settings as gunicorn) and warms
the badge renderer in every worker process.
"""

from __future__ import annotations

import logging

from celery.signals import worker_process_init, worker_ready

from conference import create_app

log = logging.getLogger(__name__)

flask_app = create_app()
celery_app = flask_app.extensions["celery"]


@worker_ready.connect
@worker_process_init.connect
def warm_badge_renderer(**_kwargs) -> None:
    """Load WeasyPrint, the fonts and the badge stylesheet once per worker process, so a
    morning's 20 walk-in badges render at full speed instead of paying the start-up."""
    from conference.services.badges.pdf import warm_up

    try:
        warm_up(flask_app.config["UPLOAD_FOLDER"])
    except Exception:  # a cold renderer is slower, never wrong
        log.exception("badge renderer warm-up failed")
