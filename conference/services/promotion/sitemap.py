"""``sitemap.xml`` (with ``hreflang`` alternates) and ``robots.txt`` for search engines."""

from __future__ import annotations

from flask import current_app
from lxml import etree

from conference.extensions import db
from conference.models import CfpSettings, Event, Session
from conference.services.cfp.proposals import public_speakers
from conference.services.promotion.index import public_events
from conference.urls import absolute_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"

#: Paths no crawler should visit: the back office, door staff, private links (a
#: registration's, a proposal's, a speaker's, calendar feeds) and the login.
DISALLOWED = ("/manage/", "/checkin/", "/review/", "/account/", "/login", "/lang",
              "/e/*/r/", "/e/*/cfp/p/", "/e/*/speaker/", "/e/*/agenda/", "/e/*/widget")


def _interface_languages(event: Event | None) -> list[str]:
    interface = current_app.config["LANGUAGES"]
    if event is None:
        return list(interface)
    return [code for code in event.content_languages if code in interface] or list(interface)


def sitemap_pages() -> list[tuple[str, dict, list[str]]]:
    """(endpoint, URL values, languages) of every public page worth indexing."""
    pages: list[tuple[str, dict, list[str]]] = [("public.home", {}, _interface_languages(None))]
    events = public_events()
    ids = [event.id for event in events]
    with_programme = set(db.session.execute(
        db.select(Session.event_id).where(Session.event_id.in_(ids), Session.is_public.is_(True),
                                          Session.starts_at.is_not(None)).distinct()
    ).scalars()) if ids else set()
    with_cfp = set(db.session.execute(
        db.select(CfpSettings.event_id).where(CfpSettings.event_id.in_(ids))
    ).scalars()) if ids else set()
    for event in events:
        languages = _interface_languages(event)
        values = {"slug": event.slug}
        pages.append(("public.event", values, languages))
        if event.id in with_programme:
            pages.append(("agenda.programme", values, languages))
        if public_speakers(event):
            pages.append(("cfp.speakers", values, languages))
        if event.id in with_cfp:
            pages.append(("cfp.submit", values, languages))
    return pages


def sitemap_xml() -> bytes:
    """The sitemap: one ``<url>`` per page and language, each listing all its languages
    (``xhtml:link rel=alternate hreflang``) and the ``x-default`` URL."""
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "xhtml": XHTML_NS})
    for endpoint, values, languages in sitemap_pages():
        urls = {code: absolute_url(endpoint, **values, lang=code) for code in languages}
        for code in languages:
            entry = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
            etree.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = urls[code]
            for other, url in urls.items():
                etree.SubElement(entry, f"{{{XHTML_NS}}}link", rel="alternate",
                                 hreflang=other, href=url)
            etree.SubElement(entry, f"{{{XHTML_NS}}}link", rel="alternate",
                             hreflang="x-default", href=absolute_url(endpoint, **values))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def robots_txt() -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "",
             f"Sitemap: {absolute_url('public.sitemap')}", ""]
    return "\n".join(lines)
