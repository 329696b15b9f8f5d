"""Public pages: the events index, event pages and their sharing data, images, the
registration widget, the events calendar, sitemap and robots, and the language switch."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

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
from flask_babel import get_locale

from conference.extensions import db
from conference.i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_AGE
from conference.models import EventKind, Partner
from conference.public import seo
from conference.public.labels import EVENT_KIND_LABELS, EVENT_KIND_PLURALS, LEVEL_HEADINGS
from conference.security import (
    CONTENT_SECURITY_POLICY,
    get_public_event_or_404,
    is_local_path,
    public,
)
from conference.services.badges.core import logo_path
from conference.services.cfp.settings import cfp_is_open
from conference.services.promotion.images import image_path
from conference.services.promotion.index import events_calendar, events_index, public_events
from conference.services.promotion.showcase import event_showcase
from conference.services.promotion.sitemap import robots_txt, sitemap_xml
from conference.services.promotion.structured_data import (
    event_json_ld,
    json_ld_script_body,
    share_description,
)
from conference.services.promotion.widget import widget_frame_ancestors
from conference.urls import absolute_url

bp = Blueprint("public", __name__)

#: How long an image under its versioned URL may be cached (a new upload has a new name).
VERSIONED_IMAGE_MAX_AGE = 365 * 24 * 3600
#: Sitemap, robots and the events calendar: shared caches may keep them this long.
FEED_MAX_AGE = 3600
#: The widget: shared caches may keep it this long (seconds).
WIDGET_MAX_AGE = 300


@bp.app_context_processor
def _seo_helpers():
    return {"page_alternates": seo.page_alternates, "og_locale": seo.og_locale,
            "PARTNER_LEVEL_HEADINGS": LEVEL_HEADINGS, "EVENT_KIND_LABELS": EVENT_KIND_LABELS,
            "EVENT_KIND_PLURALS": EVENT_KIND_PLURALS}


@bp.route("/")
@public
def home():
    """The organisation's events: upcoming and past, filterable by kind (``?kind=``)."""
    kind_value = request.args.get("kind", "")
    kind = next((k for k in EventKind if k.value == kind_value), None)
    index = events_index(kind)
    return render_template("public/home.html", upcoming=index.upcoming, past=index.past,
                           kind=kind, kinds=list(EventKind))


@bp.route("/events.ics")
@public
def events_ics():
    """All public events as an iCalendar feed (subscribe once, see every new edition)."""
    response = _public_feed(events_calendar(public_events()), "text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


def _public_feed(body, mimetype: str) -> Response:
    """A public file that shared caches may keep for ``FEED_MAX_AGE``."""
    response = Response(body, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    return response


@bp.route("/sitemap.xml")
@public
def sitemap():
    return _public_feed(sitemap_xml(), "application/xml")


@bp.route("/robots.txt")
@public
def robots():
    return _public_feed(robots_txt(), "text/plain")


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico on every page whatever the page links."""
    icon = Path(current_app.static_folder, "img", "favicon.ico").read_bytes()  # 4 KB
    response = Response(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response


def share_image_url(event) -> str | None:
    """Absolute URL of the image of the event's sharing card: the hero, else the logo."""
    if event.hero_filename:
        return absolute_url("public.hero_image", slug=event.slug, v=event.hero_filename)
    if event.logo_filename:
        return absolute_url("public.event_logo", slug=event.slug, v=event.logo_filename)
    return None


@bp.route("/e/<slug>/")
@public
def event(slug: str):
    event = get_public_event_or_404(slug)
    showcase = event_showcase(event)
    map_url = (
        "https://www.openstreetmap.org/search?query=" + quote_plus(event.venue_address)
        if event.venue_address
        else None
    )
    language = str(get_locale())
    page_url = absolute_url("public.event", slug=event.slug, lang=language)
    image_url = share_image_url(event)
    json_ld = event_json_ld(event, showcase, image_url=image_url, page_url=page_url,
                            language=language)
    return render_template(
        "public/event.html", event=event, showcase=showcase, map_url=map_url,
        json_ld=json_ld_script_body(json_ld), image_url=image_url,
        description=share_description(event), page_url=page_url,
        cfp_open=cfp_is_open(event),
        other_languages=[code for code in seo.page_languages() if code != language])


def _image(path: Path | None, version: str | None, mimetype: str) -> Response:
    """An uploaded image: cached for good under its current name (``?v=``), else
    revalidated every time; a missing one is a 404 no cache keeps."""
    if path is None:
        response = Response("", status=404, mimetype="text/plain")
        response.headers["Cache-Control"] = "no-store"
        return response
    response = Response(path.read_bytes(), mimetype=mimetype)
    response.set_etag(path.name)
    response.cache_control.public = True
    if request.args.get("v") == version:
        response.cache_control.max_age = VERSIONED_IMAGE_MAX_AGE
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response.make_conditional(request)


@bp.route("/e/<slug>/hero")
@public
def hero_image(slug: str):
    event = get_public_event_or_404(slug)
    return _image(image_path(event.hero_filename), event.hero_filename, "image/jpeg")


@bp.route("/e/<slug>/logo")
@public
def event_logo(slug: str):
    event = get_public_event_or_404(slug)
    return _image(logo_path(event), event.logo_filename, "image/png")


@bp.route("/e/<slug>/partners/<int:partner_id>/logo")
@public
def partner_logo(slug: str, partner_id: int):
    event = get_public_event_or_404(slug)
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.event_id != event.id:
        return _image(None, None, "image/png")
    return _image(image_path(partner.logo_filename), partner.logo_filename, "image/png")


@bp.route("/e/<slug>/widget")
@public
def widget(slug: str):
    """The registration widget for partner sites' frames: the only framable page.

    ``frame-ancestors`` lists the event's allowed sites (any site when none are listed);
    no X-Frame-Options is sent (it cannot list sites, and CSP supersedes it).
    """
    event = get_public_event_or_404(slug)
    response = current_app.make_response(render_template(
        "public/widget.html", event=event, showcase=event_showcase(event)))
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", f"frame-ancestors {widget_frame_ancestors(event)}")
    # Every page view of a partner's site loads it: shared caches may keep it a little
    # (the seats it shows may be that much behind; registration itself is never cached).
    response.cache_control.public = True
    response.cache_control.max_age = WIDGET_MAX_AGE
    return response


@bp.route("/lang", methods=["POST"])
@public
def set_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    target = request.form.get("next", "")
    target = _without_lang(target) if is_local_path(target) else url_for("public.home")
    response = redirect(target)
    # Also kept in a long-lived cookie: the choice survives closing the browser.
    response.set_cookie(
        LANGUAGE_COOKIE, lang, max_age=LANGUAGE_COOKIE_AGE, httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def _without_lang(path: str) -> str:
    """``path`` without its ``lang`` query argument, which would outvote the choice."""
    parts = urlsplit(path)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(key, value) for key, value in pairs if key != "lang"])
    return urlunsplit(("", "", parts.path, query, parts.fragment))
