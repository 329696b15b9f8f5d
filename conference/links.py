"""Links that feature blueprints contribute to shared pages.

A feature registers a provider for a place; the page asks for the links of that place.
Places: ``event`` (public event page), ``manage`` (event management overview),
``staff`` (a staff member's start page: check-in, reviews). A provider takes the event
and returns ``(label, url)`` or None (e.g. when the current user may not use it).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from conference.models import Event

PLACES = ("event", "manage", "staff")

Provider = Callable[[Event], "tuple[str, str] | None"]


def add_link(app: Flask, place: str, provider: Provider) -> None:
    assert place in PLACES
    app.extensions.setdefault("links", {}).setdefault(place, []).append(provider)


def links_for(place: str, event: Event) -> list[tuple[str, str]]:
    result = []
    for provider in current_app.extensions.get("links", {}).get(place, []):
        link = provider(event)
        if link:
            result.append(link)
    return result


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        event_links=lambda event: links_for("event", event),
        manage_sections=lambda event: links_for("manage", event),
        staff_links=lambda event: links_for("staff", event),
    )
