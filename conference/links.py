"""Links that feature blueprints contribute to shared pages.

A feature registers a provider for a place; the page asks for the links of that place.
Places: ``event`` (public event page), ``manage`` (event management overview),
``staff`` (a staff member's start page: check-in, reviews) each pass the Event;
``attendee`` (an attendee's private registration page: agenda, badge) passes the
Registration. A provider returns ``(label, url)`` or None (e.g. when the current user may
not use it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

PLACES = ("event", "manage", "staff", "attendee")

Provider = Callable[[Any], "tuple[str, str] | None"]


def add_link(app: Flask, place: str, provider: Provider) -> None:
    assert place in PLACES
    app.extensions.setdefault("links", {}).setdefault(place, []).append(provider)


def links_for(place: str, obj) -> list[tuple[str, str]]:
    result = []
    for provider in current_app.extensions.get("links", {}).get(place, []):
        link = provider(obj)
        if link:
            result.append(link)
    return result


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        event_links=lambda event: links_for("event", event),
        manage_sections=lambda event: links_for("manage", event),
        staff_links=lambda event: links_for("staff", event),
        attendee_links=lambda registration: links_for("attendee", registration),
    )
