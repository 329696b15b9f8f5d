"""Programme exports: iCalendar (RFC 5545), a JSON API and frab schedule XML.

Times in iCalendar are written in UTC (``DTSTART:20261025T073000Z``): correct across
daylight-saving changes without a VTIMEZONE; calendar apps show them in local time.
UIDs are ``session-<id>@<host>`` and SEQUENCE/LAST-MODIFIED grow with each change, so a
re-imported or re-fetched entry replaces the old one.

Every export is in one language (``?lang=`` on the routes, see ``export_language``): the
organizers' texts (titles, abstracts, rooms, tracks, the event's name) in that language,
falling back to the event's default where a text has no translation.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from flask import current_app
from lxml import etree

from conference.content import localize
from conference.models import Event, Session
from conference.models.types import utcnow
from conference.services import DomainError
from conference.urls import absolute_url

#: Namespace for the frab ``guid`` of a session (uuid5 of its UID).
GUID_NAMESPACE = uuid.UUID("6f1d7e3a-1c55-4b51-9a53-1f0e0c1a5a10")


class UnsupportedExportLanguage(DomainError):
    code = "unsupported_language"


def export_language(event: Event, requested: str | None) -> str:
    """The language of an export: ``requested`` when it is one of the event's content
    languages, the event's default when none is asked for; UnsupportedExportLanguage
    otherwise (a wrong ``?lang=`` is an error, not silently another language)."""
    if requested is None or requested == "":
        return event.language
    if requested not in event.content_languages:
        raise UnsupportedExportLanguage(
            f"lang must be one of {', '.join(event.content_languages)}")
    return requested


def _in(value, language: str, event: Event) -> str:
    return localize(value, language, event.language)


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def session_uid(session: Session) -> str:
    """Stable iCalendar UID of a session."""
    return f"session-{session.id}@{_host()}"


def session_url(session: Session) -> str:
    return absolute_url("agenda.session_page", slug=session.event.slug, session_id=session.id)


def _location(session: Session, language: str) -> str:
    event = session.event
    parts = [_in(session.room.name, language, event)] if session.room else []
    if event.venue_name:
        parts.append(_in(event.venue_name, language, event))
    return ", ".join(parts)


def _vevent(session: Session, stamp: dt.datetime, language: str) -> icalendar.Event:
    event = session.event
    item = icalendar.Event()
    item.add("uid", session_uid(session))
    item.add("dtstamp", stamp)
    item.add("dtstart", session.starts_at.astimezone(dt.UTC))
    item.add("dtend", session.ends_at.astimezone(dt.UTC))
    item.add("summary", _in(session.title, language, event))
    item.add("sequence", session.sequence)
    item.add("last-modified", session.updated_at.astimezone(dt.UTC))
    item.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    location = _location(session, language)
    if location:
        item.add("location", location)
    lines = []
    if session.public_speakers:
        lines.append(", ".join(s.name for s in session.public_speakers))
    if session.abstract:
        lines.append(_in(session.abstract, language, event))
    url = session_url(session)
    lines.append(url)
    item.add("description", "\n\n".join(lines))
    item.add("url", url)
    if session.track:
        item.add("categories", [_in(session.track.name, language, event)])
    return item


def calendar(event: Event, sessions: Iterable[Session], name: str | None = None,
             now: dt.datetime | None = None, language: str | None = None,
             extra: Iterable[icalendar.Event] = ()) -> bytes:
    """An iCalendar file with one VEVENT per scheduled session, in ``language`` (default:
    the event's), followed by the ``extra`` VEVENTs (a person's partnering meetings)."""
    language = language or event.language
    cal = icalendar.Calendar()
    cal.add("prodid", "-//LifeScience Open Space//Programme//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name or _in(event.name, language, event))
    cal.add("x-wr-timezone", event.timezone)
    stamp = (now or utcnow()).astimezone(dt.UTC).replace(microsecond=0)
    for session in sessions:
        if session.is_scheduled:
            cal.add_component(_vevent(session, stamp, language))
    for item in extra:
        cal.add_component(item)
    return cal.to_ical()


def _duration(session: Session) -> str:
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def programme_json(event: Event, sessions: Iterable[Session],
                   language: str | None = None) -> dict:
    """The public programme as plain data (``/e/<slug>/programme.json``) in ``language``
    (default: the event's)."""
    language = language or event.language
    items = []
    for s in sessions:
        items.append(
            {
                "id": s.id,
                "uid": session_uid(s),
                "title": _in(s.title, language, event),
                "type": s.session_type.value,
                "track": {"name": _in(s.track.name, language, event),
                          "colour": s.track.colour} if s.track else None,
                "room": _in(s.room.name, language, event) if s.room else None,
                "starts_at": s.starts_at.astimezone(dt.UTC).isoformat(),
                "ends_at": s.ends_at.astimezone(dt.UTC).isoformat(),
                "local_start": s.starts_at.astimezone(event.tz).isoformat(),
                "local_end": s.ends_at.astimezone(event.tz).isoformat(),
                "language": s.language,
                "abstract": _in(s.abstract, language, event),
                "cancelled": s.is_cancelled,
                "seats": s.seat_capacity,
                "speakers": [
                    {"id": sp.id, "name": sp.name, "affiliation": sp.affiliation}
                    for sp in s.public_speakers
                ],
                "url": session_url(s),
                "updated_at": s.updated_at.astimezone(dt.UTC).isoformat(),
            }
        )
    return {
        "language": language,
        "event": {
            "slug": event.slug,
            "name": _in(event.name, language, event),
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
            "timezone": event.timezone,
            "venue": _in(event.venue_name, language, event),
        },
        "sessions": items,
    }


def _sub(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def schedule_xml(event: Event, sessions: Iterable[Session], version: str = "",
                 language: str | None = None) -> bytes:
    """A frab-compatible schedule (read by Giggity, ConfClerk and other conference apps),
    in ``language`` (default: the event's)."""
    language = language or event.language
    sessions = [s for s in sessions if s.is_scheduled and not s.is_cancelled]
    tz = event.tz
    root = etree.Element("schedule")
    _sub(root, "version", version or utcnow().strftime("%Y-%m-%d %H:%M"))
    conference = _sub(root, "conference")
    _sub(conference, "acronym", event.slug)
    _sub(conference, "title", _in(event.name, language, event))
    _sub(conference, "start", event.starts_on.isoformat())
    _sub(conference, "end", event.ends_on.isoformat())
    _sub(conference, "days", str(len(event.days)))
    _sub(conference, "timeslot_duration", "00:05")
    _sub(conference, "time_zone_name", event.timezone)
    _sub(conference, "base_url", current_app.config["BASE_URL"] + "/")
    by_day: dict[dt.date, list[Session]] = {}
    for s in sessions:
        by_day.setdefault(s.starts_at.astimezone(tz).date(), []).append(s)
    days = sorted(set(event.days) | set(by_day))
    for index, day in enumerate(days, start=1):
        day_start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        day_el = _sub(root, "day", index=index, date=day.isoformat(),
                      start=day_start.isoformat(), end=day_end.isoformat())
        rooms: dict[tuple, list[Session]] = {}
        for s in by_day.get(day, []):
            key = ((0, s.room.position, _in(s.room.name, language, event)) if s.room
                   else (1, 0, ""))
            rooms.setdefault(key, []).append(s)
        for (_, _, room_name), room_sessions in sorted(rooms.items()):
            room_el = _sub(day_el, "room", name=room_name)
            for s in sorted(room_sessions, key=lambda x: x.starts_at):
                _frab_event(room_el, s, tz, language)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _frab_event(room_el, s: Session, tz, language: str) -> None:
    event = s.event
    uid = session_uid(s)
    local = s.starts_at.astimezone(tz)
    ev = _sub(room_el, "event", id=s.id, guid=uuid.uuid5(GUID_NAMESPACE, uid))
    _sub(ev, "date", local.isoformat())
    _sub(ev, "start", local.strftime("%H:%M"))
    _sub(ev, "duration", _duration(s))
    _sub(ev, "room", _in(s.room.name, language, event) if s.room else "")
    _sub(ev, "slug", f"{s.event.slug}-{s.id}")
    _sub(ev, "url", session_url(s))
    _sub(ev, "title", _in(s.title, language, event))
    _sub(ev, "subtitle", "")
    _sub(ev, "track", _in(s.track.name, language, event) if s.track else "")
    _sub(ev, "type", s.session_type.value)
    _sub(ev, "language", s.language)
    _sub(ev, "abstract", _in(s.abstract, language, event))
    _sub(ev, "description", "")
    persons = _sub(ev, "persons")
    for sp in s.public_speakers:
        _sub(persons, "person", sp.name, id=sp.id)
    _sub(ev, "links")
    _sub(ev, "attachments")
