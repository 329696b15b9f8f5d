"""Public pages: home, event pages, language switch."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from conference.extensions import db
from conference.i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_AGE
from conference.models import Event, EventStatus
from conference.models.types import utcnow
from conference.security import get_public_event_or_404, is_local_path, public

bp = Blueprint("public", __name__)


@bp.route("/")
@public
def home():
    today = utcnow().astimezone(ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])).date()
    # Closed events are still upcoming (only their registration is closed).
    upcoming = db.session.execute(
        db.select(Event)
        .where(
            Event.status.in_([EventStatus.PUBLISHED, EventStatus.CLOSED]),
            Event.ends_on >= today,
        )
        .order_by(Event.starts_on)
    ).scalars().all()
    past = db.session.execute(
        db.select(Event)
        .where(
            Event.status.in_([EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.ARCHIVED]),
            Event.ends_on < today,
        )
        .order_by(Event.starts_on.desc())
        .limit(10)
    ).scalars().all()
    return render_template("public/home.html", upcoming=upcoming, past=past)


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico on every page whatever the page links."""
    icon = Path(current_app.static_folder, "img", "favicon.ico").read_bytes()  # 4 KB
    response = Response(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response


@bp.route("/e/<slug>/")
@public
def event(slug: str):
    event = get_public_event_or_404(slug)
    map_url = (
        "https://www.openstreetmap.org/search?query=" + quote_plus(event.venue_address)
        if event.venue_address
        else None
    )
    return render_template("public/event.html", event=event, map_url=map_url)


@bp.route("/lang", methods=["POST"])
@public
def set_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    target = request.form.get("next", "")
    response = redirect(target if is_local_path(target) else url_for("public.home"))
    # Also kept in a long-lived cookie: the choice survives closing the browser.
    response.set_cookie(
        LANGUAGE_COOKIE, lang, max_age=LANGUAGE_COOKIE_AGE, httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
