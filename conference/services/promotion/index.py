"""The organisation's events index and its iCalendar feed of all public events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

import icalendar
from flask import current_app

from conference.extensions import db
from conference.models import Event, EventKind, EventStatus
from conference.models.types import utcnow
from conference.urls import absolute_url

#: Statuses listed publicly; closed events are still upcoming (only registration closed).
LISTED_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.ARCHIVED)
#: Past events shown on the index at most.
PAST_LIMIT = 30


@dataclass
class EventsIndex:
    upcoming: list[Event]
    past: list[Event]


def _today(now: dt.datetime | None) -> dt.date:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
    return (now or utcnow()).astimezone(zone).date()


def public_events(kind: EventKind | None = None) -> list[Event]:
    """Every public event (optionally of one kind), soonest first."""
    query = db.select(Event).where(Event.status.in_(LISTED_STATUSES))
    if kind is not None:
        query = query.where(Event.kind == kind)
    return list(db.session.execute(query.order_by(Event.starts_on, Event.id)).scalars())


def events_index(kind: EventKind | None = None, now: dt.datetime | None = None) -> EventsIndex:
    """Upcoming public events (soonest first) and past ones (latest first), in one query."""
    today = _today(now)
    events = public_events(kind)
    upcoming = [e for e in events if e.ends_on >= today and e.status is not EventStatus.ARCHIVED]
    past = [e for e in reversed(events) if e not in upcoming][:PAST_LIMIT]
    return EventsIndex(upcoming=upcoming, past=past)


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def event_uid(event: Event) -> str:
    """Stable iCalendar UID of an event (the same as in an attendee's event.ics)."""
    return f"event-{event.id}@{_host()}"


def events_calendar(events: list[Event], now: dt.datetime | None = None) -> bytes:
    """An iCalendar file with one all-day VEVENT per event, texts in the current language."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//LifeScience Open Space//Events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "LifeScience Open Space")
    stamp = (now or utcnow()).astimezone(dt.UTC).replace(microsecond=0)
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", event_uid(event))
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.starts_on)
        entry.add("dtend", event.ends_on + dt.timedelta(days=1))
        entry.add("summary", str(event.name))
        location = ", ".join(part for part in (str(event.venue_name), event.venue_address)
                             if part)
        if location:
            entry.add("location", location)
        url = absolute_url("public.event", slug=event.slug)
        entry.add("url", url)
        pitch = str(event.pitch or "")
        entry.add("description", f"{pitch}\n\n{url}" if pitch else url)
        entry.add("categories", [event.kind.value])
        if event.status is EventStatus.CLOSED:
            entry.add("status", "CONFIRMED")
        cal.add_component(entry)
    return cal.to_ical()
