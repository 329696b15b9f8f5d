"""The entry point of the Celery worker and beat:

    celery -A conference.jobs.worker:celery_app worker --pool=solo
    celery -A conference.jobs.worker:celery_app beat

It builds the Flask app from the environment (the same settings as gunicorn) and warms
the badge renderer when the worker starts (with ``--pool=solo``: a pool of renderer
processes that stay up, see ``conference.services.badges.pdf.start_warm_pool``).
"""

from __future__ import annotations

import logging

from celery.signals import worker_process_init, worker_ready

from conference import create_app

log = logging.getLogger(__name__)

flask_app = create_app()
celery_app = flask_app.extensions["celery"]


@worker_ready.connect
def start_badge_renderers(sender=None, **_kwargs) -> None:
    """A solo or threads worker (the main process runs the jobs) keeps a warm pool of
    badge renderer processes: a 20-badge batch is split over them with no start-up."""
    from conference.services.badges.pdf import start_warm_pool, warm_up

    pool_module = type(getattr(sender, "pool", None)).__module__
    try:
        if pool_module.endswith((".solo", ".thread")):
            size = start_warm_pool(flask_app.config["UPLOAD_FOLDER"])
            log.info("badge renderer warm; %d renderer processes", size)
        else:
            warm_up(flask_app.config["UPLOAD_FOLDER"])
    except Exception:  # a cold renderer is slower, never wrong
        log.exception("badge renderer warm-up failed")


@worker_process_init.connect
def warm_badge_renderer(**_kwargs) -> None:
    """Each prefork child loads WeasyPrint, the fonts and the stylesheets once."""
    from conference.services.badges.pdf import warm_up

    try:
        warm_up(flask_app.config["UPLOAD_FOLDER"])
    except Exception:
        log.exception("badge renderer warm-up failed")
