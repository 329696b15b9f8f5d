"""The organizer's partnering settings: on/off, the sector and cooperation-type lists (per
language, like the funder report's organisation types) and the per-person limits.

A list is stored one item per line in each language, the lines in the same order; a
profile keeps the default-language line (the key), and pages show the reader's line.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from conference.content import LocalizedText, clean_text
from conference.extensions import db
from conference.models import Event, PartneringSettings
from conference.services.partnering.errors import InvalidPartneringSettings

#: Most items in a list (sectors, cooperation types), and the longest item.
LIST_MAX = 40
ITEM_MAX_LENGTH = 100
#: Highest accepted limits (a brokerage day has at most a few dozen slots).
MAX_REQUESTS_SENT_LIMIT = 200
MAX_MEETINGS_LIMIT = 50


def partnering_settings(event: Event) -> PartneringSettings:
    """The event's settings row (a new, unsaved one, switched off, when none)."""
    settings = db.session.execute(
        db.select(PartneringSettings).filter_by(event_id=event.id)).scalar_one_or_none()
    if settings is None:
        settings = PartneringSettings(
            event_id=event.id, enabled=False, sectors=LocalizedText(),
            cooperation_types=LocalizedText(), max_requests_sent=15, max_meetings=12,
            slot_minutes=20, table_count=20, schedule_version=0, last_run_summary="")
    return settings


def is_enabled(event: Event) -> bool:
    """Whether attendees may join, search and send requests now."""
    settings = db.session.execute(
        db.select(PartneringSettings.enabled).filter_by(event_id=event.id)).scalar_one_or_none()
    return bool(settings)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def _choices(text: LocalizedText, event: Event, language: str | None) -> list[tuple[str, str]]:
    keys = _lines(text.in_language(event.language, event.language))
    labels = _lines(text.in_language(language, event.language)) if language else keys
    if len(labels) != len(keys):
        labels = keys
    return list(zip(keys, labels, strict=True))


def sector_choices(event: Event, language: str | None = None) -> list[tuple[str, str]]:
    """(stored key, label in ``language``) of each sector of the event."""
    return _choices(LocalizedText(partnering_settings(event).sectors), event, language)


def cooperation_type_choices(event: Event,
                             language: str | None = None) -> list[tuple[str, str]]:
    """(stored key, label in ``language``) of each cooperation type of the event."""
    return _choices(LocalizedText(partnering_settings(event).cooperation_types), event,
                    language)


def _clean_list(value, field: str) -> LocalizedText:
    text = clean_text(value)
    for item in text.translations().values():
        lines = _lines(item)
        if len(lines) > LIST_MAX or any(len(line) > ITEM_MAX_LENGTH for line in lines):
            raise InvalidPartneringSettings(
                str(_l("At most %(count)d lines of at most %(length)d characters each.",
                       count=LIST_MAX, length=ITEM_MAX_LENGTH)), field=field)
    return LocalizedText({code: "\n".join(_lines(item))
                          for code, item in text.translations().items()})


def _clean_limit(value, field: str, maximum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= maximum:
        raise InvalidPartneringSettings(
            str(_l("Enter a whole number from 1 to %(max)d.", max=maximum)), field=field)
    return number


def save_settings(event: Event, *, enabled: bool, sectors, cooperation_types,
                  max_requests_sent, max_meetings) -> PartneringSettings:
    """Store the settings (does not commit). Raises InvalidPartneringSettings, naming the
    field, before anything changes."""
    clean_sectors = _clean_list(sectors, "sectors")
    clean_types = _clean_list(cooperation_types, "cooperation_types")
    requests_limit = _clean_limit(max_requests_sent, "max_requests_sent",
                                  MAX_REQUESTS_SENT_LIMIT)
    meetings_limit = _clean_limit(max_meetings, "max_meetings", MAX_MEETINGS_LIMIT)
    settings = partnering_settings(event)
    settings.enabled = bool(enabled)
    settings.sectors = clean_sectors
    settings.cooperation_types = clean_types
    settings.max_requests_sent = requests_limit
    settings.max_meetings = meetings_limit
    db.session.add(settings)
    db.session.flush()
    return settings
