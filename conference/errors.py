"""Error pages in the site's look, and JSON errors for API clients.

An unhandled exception reaches Flask's InternalServerError, which this handler renders
(in tests it propagates instead, so a failing test shows its traceback).
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from conference.security import wants_json

log = logging.getLogger(__name__)

#: Codes with their own template; the others use errors/generic.html.
PAGES = {400, 403, 404, 405, 413, 429, 500}


def _reason(error: HTTPException) -> str:
    if isinstance(error, CSRFError):
        return "csrf_failed"
    return (error.name or "error").lower().replace(" ", "_")


def handle_http_error(error: HTTPException):
    code = error.code or 500
    if wants_json():
        return jsonify(status="error", reason=_reason(error)), code
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, error=error, code=code), code


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
