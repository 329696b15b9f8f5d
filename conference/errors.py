"""Error pages in the site's look, and JSON errors for API clients.

An unhandled exception reaches Flask's InternalServerError, which this handler renders
(in tests it propagates instead, so a failing test shows its traceback). A database that
cannot be reached (a PostgreSQL restart) is a 503 with ``Retry-After``, not a 500: pages
say "try again in a moment", the JSON API answers ``{"status": "error", "reason":
"unavailable"}`` so the door scanner queues the scan offline.
"""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, current_app, g, jsonify, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from conference.extensions import db, login_manager
from conference.security import wants_json

log = logging.getLogger(__name__)

#: Codes with their own template; the others use errors/generic.html.
PAGES = {400, 403, 404, 405, 413, 429, 500, 503}


def _reason(error: HTTPException) -> str:
    if isinstance(error, CSRFError):
        return "csrf_failed"
    reason = getattr(error, "reason", None)  # conference.inputs.InputRefused
    if reason:
        return reason
    return (error.name or "error").lower().replace(" ", "_")


#: Shown when even the error page cannot be rendered (e.g. the database is down).
FALLBACK_500 = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Error</title>"
    "<h1>Something went wrong</h1><p>Please try again in a moment.</p></html>"
)


def handle_http_error(error: HTTPException):
    code = error.code or 500
    if code >= 500:
        # A failed transaction must not break the error page (which loads the user).
        db.session.rollback()
    if wants_json():
        return jsonify(status="error", reason=_reason(error)), code
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    try:
        return render_template(template, error=error, code=code,
                               csrf_failed=isinstance(error, CSRFError),
                               message=getattr(error, "message", None)), code
    except Exception as failure:
        if database_unavailable(failure):  # the page asked who is logged in: a 503 then
            return handle_database_error(failure)
        if code < 500:
            raise
        log.exception("the error page itself failed")
        return FALLBACK_500, code


def database_unavailable(error: Exception) -> bool:
    """True when ``error`` says the database cannot be reached right now (down, restarting,
    connection lost, pool exhausted, SQLite file locked), not that a statement is wrong."""
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection became free
        return True
    if not isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    if type(original).__module__.split(".")[0] == "psycopg":
        # psycopg's OperationalError and InterfaceError are about the connection (refused,
        # closed, admin shutdown, "starting up"); a wrong statement is a ProgrammingError.
        return True
    text = str(original).lower()
    return "database is locked" in text or "unable to open database" in text


def handle_database_error(error: sa_exc.SQLAlchemyError):
    """503 + Retry-After when the database is unreachable; any other database error stays
    a 500 (re-raised to Flask's handling of unhandled exceptions)."""
    if not database_unavailable(error):
        raise error
    log.warning("database unavailable: %s", error.__class__.__name__)
    with contextlib.suppress(Exception):
        db.session.rollback()
    # The page must not need the database: the header asks who is logged in.
    g._login_user = login_manager.anonymous_user()
    if wants_json():
        response = jsonify(status="error", reason="unavailable")
    else:
        try:
            response = current_app.make_response(render_template("errors/503.html"))
        except Exception:
            log.exception("the 503 page itself failed")
            response = current_app.make_response(FALLBACK_503)
    response.status_code = 503
    response.headers["Retry-After"] = str(current_app.config["DATABASE_RETRY_AFTER"])
    response.headers["Cache-Control"] = "no-store"
    return response


#: Shown when even the 503 page cannot be rendered.
FALLBACK_503 = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Try again</title>"
    "<h1>Temporarily unavailable</h1><p>Please try again in a moment.</p></html>"
)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(sa_exc.OperationalError, handle_database_error)
    app.register_error_handler(sa_exc.InterfaceError, handle_database_error)
    app.register_error_handler(sa_exc.TimeoutError, handle_database_error)
