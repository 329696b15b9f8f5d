"""A person's partnering meetings as iCalendar VEVENTs, added to their personal feeds
(the agenda feed and the registration's event.ics)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from conference.content import localize
from conference.models import MeetingRequest, Registration
from conference.models.types import utcnow
from conference.services.partnering.meetings import active_profile, agenda


def meeting_uid(meeting: MeetingRequest) -> str:
    """Stable iCalendar UID of a meeting: moving it keeps the same calendar entry."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"partnering-meeting-{meeting.id}@{host}"


def meeting_vevents(registration: Registration, *, language: str,
                    now: dt.datetime | None = None) -> list[icalendar.Event]:
    """One VEVENT per published meeting of the registration (none when it has not joined
    partnering or the schedule is not published), in ``language``."""
    profile = active_profile(registration)
    if profile is None:
        return []
    event = registration.event
    stamp = (now or utcnow()).astimezone(dt.UTC).replace(microsecond=0)
    interface = language if language in current_app.config["LANGUAGES"] else "en"
    items = []
    with force_locale(interface):
        venue = localize(event.venue_name, language, event.language)
        for entry in agenda(profile, now=now):
            partner = entry.partner.registration
            who = ", ".join(part for part in (partner.full_name, partner.organization) if part)
            item = icalendar.Event()
            item.add("uid", meeting_uid(entry.meeting))
            item.add("dtstamp", stamp)
            item.add("dtstart", entry.slot.starts_at.astimezone(dt.UTC))
            item.add("dtend", entry.slot.ends_at.astimezone(dt.UTC))
            item.add("summary", _("Partnering meeting: %(partner)s", partner=who))
            table = _("Table %(number)s", number=entry.table)
            item.add("location", f"{table}, {venue}" if venue else table)
            if entry.partner.description:
                item.add("description", entry.partner.description)
            item.add("status", "CONFIRMED")
            items.append(item)
    return items
