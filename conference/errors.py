"""Error pages in the site's look, and JSON errors for API clients.

An unhandled exception reaches Flask's InternalServerError, which this handler renders
(in tests it propagates instead, so a failing test shows its traceback).
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from conference.extensions import db
from conference.security import wants_json

log = logging.getLogger(__name__)

#: Codes with their own template; the others use errors/generic.html.
PAGES = {400, 403, 404, 405, 413, 429, 500}


def _reason(error: HTTPException) -> str:
    if isinstance(error, CSRFError):
        return "csrf_failed"
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
                               csrf_failed=isinstance(error, CSRFError)), code
    except Exception:
        if code < 500:
            raise
        log.exception("the error page itself failed")
        return FALLBACK_500, code


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
