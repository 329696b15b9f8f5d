"""Who may see what: login, role and event checks, and HTTP security headers.

Every view carries an ``access`` attribute set by one of the decorators below; the
route-access test walks the whole URL map and fails on a view without one.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, jsonify, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from conference.content import use_event_languages
from conference.extensions import db, login_manager
from conference.models import Event, Role, User
from conference.services.sessions import (
    end_session,
    live_session,
    parse_cookie_value,
    start_session,
)

#: Longest private-link secret stored (the ``token`` columns).
SECRET_MAX_LENGTH = 64

#: Access levels, from open to closed. ``token`` pages are public but need a secret in the URL.
ACCESS_LEVELS = ("public", "token", "staff", "reviewer", "door", "organizer", "superuser")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    # "basic", not "strong": door staff phones move between Wi-Fi and mobile data, and a
    # changed address must not log them out in the middle of a queue.
    login_manager.session_protection = "basic"
    login_manager.unauthorized_handler(_unauthorized)
    app.after_request(_security_headers)


@login_manager.user_loader
def _load_user(cookie_value: str) -> User | None:
    """The account of a live login session (``services.sessions``): not ended by logout,
    a new password or deactivation, not idle too long, not too old."""
    login = live_session(cookie_value)
    if login is None:
        return None
    user = login.user
    user.login_cookie = cookie_value
    return user


def log_in(user: User) -> None:
    """Start a login session of ``user`` in this browser (commits it)."""
    user.login_cookie = start_session(user, user_agent=request.user_agent.string)
    db.session.commit()
    login_user(user)


def log_out() -> None:
    """End this browser's login session on the server, then forget it in the cookie: a
    copy of the cookie taken before is useless afterwards."""
    end_session(session.get("_user_id"))
    db.session.commit()
    logout_user()


def wants_json() -> bool:
    """API clients (scanners, scripts) get JSON errors instead of pages."""
    if "/api/" in request.path:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]


def _unauthorized():
    if wants_json():
        return jsonify(status="error", reason="login_required"), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def is_private_request() -> bool:
    """A page for someone in particular: its view needs a secret in the URL or a login,
    or someone is logged in (public pages show drafts and more to staff)."""
    if request.endpoint in (None, "static"):
        return False
    level = getattr(current_app.view_functions.get(request.endpoint), "access", None)
    return level != "public" or "_user_id" in session


def _security_headers(response):
    if is_private_request():
        # Never kept by the browser's or any shared cache, whatever the view set.
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    # A view that opens frame-ancestors itself (the registration widget) gets no
    # X-Frame-Options: DENY would override its allow-list in older browsers.
    if "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]:
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Permissions-Policy", "camera=(self), microphone=(), geolocation=()"
    )
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _mark(view: Callable, level: str) -> Callable:
    assert level in ACCESS_LEVELS
    view.access = level  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """Anyone may open this page."""
    return _mark(view, "public")


def token_access(view: Callable) -> Callable:
    """Anyone holding the secret in the URL may open this page; the view checks the secret."""
    return _mark(view, "token")


def login_required(view: Callable) -> Callable:
    """Any logged-in staff member."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapper, "staff")


def superuser_required(view: Callable) -> Callable:
    """Superusers only (user administration)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_superuser:
            abort(403)
        return view(*args, **kwargs)

    return _mark(wrapper, "superuser")


def role_required(role: Role) -> Callable[[Callable], Callable]:
    """A logged-in user with ``role`` (superusers pass every role check), not tied to one event."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not (current_user.is_superuser or current_user.role is role):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapper, {Role.ORGANIZER: "organizer", Role.DOOR: "door",
                               Role.REVIEWER: "reviewer"}[role])

    return decorator


_EVENT_CHECKS = {
    "organizer": User.can_manage,
    "door": User.can_check_in,
    "reviewer": User.can_review,
}


def event_access(level: str) -> Callable[[Callable], Callable]:
    """Staff of the event named by the ``slug`` URL argument with ``level`` rights.

    The view receives the loaded ``event`` instead of ``slug``. Unknown events give 404.
    """
    check = _EVENT_CHECKS[level]

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, slug: str, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            event = get_event_or_404(slug)
            if not check(current_user, event):
                abort(403)
            return view(*args, event=event, **kwargs)

        return _mark(wrapper, level)

    return decorator


def access_checked_by_view(level: str) -> Callable[[Callable], Callable]:
    """Marks a hot JSON endpoint that checks ``level`` access itself, together with its own
    data in one query, instead of loading the account and the event through the ORM (the
    badge scan: see ``session_account`` and ``services.checkin.door``)."""

    def decorator(view: Callable) -> Callable:
        return _mark(view, level)

    return decorator


def session_account() -> tuple[int, str] | None:
    """(account id, login session secret) as stored at login, read from the signed
    session cookie without loading the account; None when nobody is logged in. Whether
    that login is still live is for the caller to check (``services.checkin.door``)."""
    return parse_cookie_value(session.get("_user_id"))


def get_event_or_404(slug: str) -> Event:
    event = db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()
    if event is None:
        abort(404)
    use_event_languages(event)
    return event


def get_in_event_or_404(model, event: Event, object_id: int):
    """The ``model`` row with this id if it belongs to ``event``; 404 otherwise (also for
    another event's row, so ids of other events reveal nothing)."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.event_id != event.id:
        abort(404)
    return obj


def find_by_secret(model, event: Event, token: str):
    """The ``model`` row of ``event`` whose private-link secret (``token`` column) is
    ``token``, or None. The index finds the row; the secret is compared in constant time
    all the same, and anything longer than a secret is not looked up."""
    if not token or len(token) > SECRET_MAX_LENGTH:
        return None
    obj = db.session.execute(
        db.select(model).filter_by(event_id=event.id, token=token)
    ).scalar_one_or_none()
    if obj is None or not secrets_equal(token, obj.token):
        return None
    return obj


def get_public_event_or_404(slug: str) -> Event:
    """A published event for anonymous pages; drafts are visible to their organizers only."""
    event = get_event_or_404(slug)
    if not event.is_public and not (
        current_user.is_authenticated and current_user.can_manage(event)
    ):
        abort(404)
    return event


def is_local_path(target: str | None) -> bool:
    """True for a path on this site (``/manage/``), never for another site.

    Browsers read a backslash as ``/`` and drop tabs and newlines, so ``/\\evil.example``
    or ``/<tab>/evil.example`` would leave the site: both are refused, like ``//host``.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def secrets_equal(given: str | None, expected: str | None) -> bool:
    """Compare two secrets in constant time; None never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
