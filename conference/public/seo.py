"""Head tags of public pages: canonical URL and ``hreflang`` alternates, one per language.

Every public page (access ``public``, answered to GET) gets them through ``base.html``:
the URL of each language is the page's own URL with ``?lang=xx`` (``select_locale`` obeys
it), ``x-default`` is the URL without it (the visitor's language decides). The languages
are the request's event's content languages that have an interface, else the interface's.
All URLs come from ``BASE_URL``, never from the request's Host header.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from werkzeug.routing import BuildError

from conference.urls import absolute_url

#: Public endpoints that are not pages to index (images, feeds, the framed widget).
NOT_ALTERNATED = {"public.widget", "public.hero_image", "public.partner_logo",
                  "public.event_logo", "public.sitemap", "public.robots", "public.events_ics",
                  "public.favicon", "public.set_language"}
#: og:locale of each interface language.
OG_LOCALES = {"pl": "pl_PL", "en": "en_GB"}


def page_languages() -> list[str]:
    """The languages a public page is offered in (the event's with an interface)."""
    interface = current_app.config["LANGUAGES"]
    languages = [code for code in (g.get("content_languages") or interface)
                 if code in interface]
    return languages or list(interface)


def page_alternates() -> dict | None:
    """``{"canonical", "alternates": {lang: url}, "x_default"}`` for this public page, or
    None for anything else (management, private links, POST, images and feeds)."""
    endpoint = request.endpoint
    if not endpoint or request.method != "GET" or endpoint in NOT_ALTERNATED:
        return None
    view = current_app.view_functions.get(endpoint)
    if getattr(view, "access", None) != "public":
        return None
    values = dict(request.view_args or {})
    try:
        alternates = {code: absolute_url(endpoint, **values, lang=code)
                      for code in page_languages()}
        x_default = absolute_url(endpoint, **values)
        canonical = absolute_url(endpoint, **values, lang=str(get_locale()))
    except BuildError:
        return None
    return {"canonical": canonical, "alternates": alternates, "x_default": x_default}


def og_locale(language: str) -> str:
    return OG_LOCALES.get(language, language)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(page_alternates=page_alternates, og_locale=og_locale)
