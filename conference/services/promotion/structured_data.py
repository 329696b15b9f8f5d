"""schema.org ``Event`` data (JSON-LD) and the texts of sharing cards.

Search engines and link previews (LinkedIn, Mastodon, messengers) read these; all URLs are
absolute, built from ``BASE_URL`` (never from the request's Host header). Texts are in the
language current when the function runs (the page's).
"""

from __future__ import annotations

import datetime as dt
import json
import re

from markupsafe import Markup

from conference.models import Event
from conference.services.promotion.showcase import Showcase
from conference.urls import absolute_url

#: Longest sharing-card description (longer pitches are cut at a word).
DESCRIPTION_LENGTH = 200


def share_description(event: Event) -> str:
    """The pitch, else the description's first words, as plain text for a sharing card."""
    text = str(event.pitch or "").strip() or _plain(str(event.description or ""))
    text = " ".join(text.split())
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _plain(markdown_text: str) -> str:
    """Markdown as plain words (good enough for a one-line description)."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown_text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[#*_`>|~]", "", text)


def _event_times(event: Event) -> tuple[str, str]:
    """Start and end with the event's UTC offset: the first instant of the first day and
    the last instant before the day after the last one."""
    end = event.local_end() - dt.timedelta(minutes=1)
    return event.local_start().isoformat(), end.isoformat()


def event_json_ld(event: Event, showcase: Showcase, *, image_url: str | None,
                  page_url: str, language: str) -> dict:
    """The schema.org ``Event`` of the public event page."""
    start, end = _event_times(event)
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": str(event.name),
        "url": page_url,
        "startDate": start,
        "endDate": end,
        "inLanguage": language,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "organizer": {
            "@type": "Organization",
            "name": "LifeScience Open Space",
            "url": absolute_url("public.home"),
        },
    }
    description = share_description(event)
    if description:
        data["description"] = description
    if image_url:
        data["image"] = [image_url]
    if event.contact_email:
        data["organizer"]["email"] = event.contact_email
    if event.venue_name or event.venue_address:
        data["location"] = {
            "@type": "Place",
            "name": str(event.venue_name or event.venue_address),
            "address": {"@type": "PostalAddress",
                        "streetAddress": event.venue_address or str(event.venue_name)},
        }
    register_url = absolute_url("registration.register", slug=event.slug)
    offers = []
    for offer in showcase.offers:
        item = {
            "@type": "Offer",
            "name": str(offer.ticket_type.name),
            "price": f"{offer.price:.2f}",
            "priceCurrency": offer.ticket_type.currency,
            "availability": offer.availability,
            "url": register_url,
        }
        if offer.ticket_type.sales_open_at:
            item["validFrom"] = offer.ticket_type.sales_open_at.isoformat()
        offers.append(item)
    if offers:
        data["offers"] = offers
    performers = [{"@type": "Person", "name": speaker.name}
                  for speaker in showcase.performers]
    if performers:
        data["performer"] = performers
    return data


def json_ld_script_body(data: dict) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` block: ``<``, ``>`` and ``&`` are
    written as ``\\u`` escapes, so no text in it (``</script>``, ``<!--``) can end the block
    or be read as markup, and the JSON means the same."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - every character that could end the block is escaped
