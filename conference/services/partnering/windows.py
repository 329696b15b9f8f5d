"""Partnering windows and their slots, and the schedule's table count and slot length.

A window is a time span on one event day, typed by the organizer in the event's local time,
with optional breaks ("12:30-13:00, 15:00-15:15"). It is cut into slots of
``PartneringSettings.slot_minutes``; a slot never overlaps a break. Editing a window keeps
the slots that stay the same (their placements and unavailability marks survive); slots
that would disappear while meetings are placed in them make the change refuse, with the
count, unless the organizer confirms that those meetings are unplaced.

Every change here takes the row lock on the event's ``PartneringSettings`` (as placement
does), so a window edit and a scheduler run never interleave.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import (
    Event,
    MeetingRequest,
    PartneringSettings,
    PartneringSlot,
    PartneringWindow,
    RequestState,
)
from conference.services.partnering.errors import (
    InvalidBreaks,
    InvalidTableSettings,
    InvalidWindow,
    SlotsInUse,
)
from conference.services.partnering.notices import tell_unplaced

#: Sensible bounds for the organizer's two numbers.
MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 5, 240
MAX_TABLES = 500

_BREAK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013\u2014]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class WindowFields:
    """What the organizer types for a window: a name, an event day, local start and end
    times and the breaks text."""

    name: LocalizedText | str
    day: dt.date
    start: dt.time
    end: dt.time
    breaks: str = ""


def settings_of(event: Event, *, for_update: bool = False) -> PartneringSettings:
    """The event's partnering settings (created with the defaults when missing); with
    ``for_update``, row-locked until the transaction ends (``SELECT ... FOR UPDATE``), the
    lock every schedule change takes."""
    query = db.select(PartneringSettings).filter_by(event_id=event.id)
    if for_update:
        # populate_existing: the lock may have waited for another change; read its result.
        query = query.with_for_update().execution_options(populate_existing=True)
    settings = db.session.execute(query).scalar_one_or_none()
    if settings is None:
        settings = PartneringSettings(event_id=event.id)
        db.session.add(settings)
        db.session.flush()
        if for_update:
            settings = db.session.execute(query).scalar_one()
    return settings


def windows_of(event: Event) -> list[PartneringWindow]:
    """The event's windows in time order (their slots load in time order)."""
    return list(db.session.execute(
        db.select(PartneringWindow).filter_by(event_id=event.id)
        .order_by(PartneringWindow.starts_at)).scalars())


def slots_of(event: Event) -> list[PartneringSlot]:
    """All slots of the event in time order."""
    return list(db.session.execute(
        db.select(PartneringSlot).filter_by(event_id=event.id)
        .order_by(PartneringSlot.starts_at, PartneringSlot.id)).scalars())


def parse_breaks(text: str) -> list[tuple[dt.time, dt.time]]:
    """``"12:30-13:00, 15:00-15:15"`` -> [(12:30, 13:00), (15:00, 15:15)], in order.
    InvalidBreaks names the part that cannot be read."""
    breaks = []
    for part in (text or "").replace(";", ",").split(","):
        if not part.strip():
            continue
        match = _BREAK.match(part)
        if match is None:
            raise InvalidBreaks(str(_l('"%(part)s" is not a break; write breaks as '
                                       'HH:MM-HH:MM, separated by commas.', part=part.strip())))
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise InvalidBreaks(str(_l('"%(part)s" is not a time of day.', part=part.strip())))
        start, end = dt.time(h1, m1), dt.time(h2, m2)
        if end <= start:
            raise InvalidBreaks(str(_l('The break "%(part)s" ends before it starts.',
                                       part=part.strip())))
        breaks.append((start, end))
    return sorted(breaks)


def cut_slots(event: Event, fields: WindowFields, minutes: int
              ) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) UTC instants of the slots of a window: back to back from its
    start, jumping over breaks, the last one ending by the window's end."""
    breaks = parse_breaks(fields.breaks)
    for start, end in breaks:
        if start < fields.start or end > fields.end:
            raise InvalidBreaks(str(_l(
                "The break %(start)s-%(end)s is not inside the window.",
                start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))))
    step = dt.timedelta(minutes=minutes)
    cursor = dt.datetime.combine(fields.day, fields.start)
    window_end = dt.datetime.combine(fields.day, fields.end)
    local_breaks = [(dt.datetime.combine(fields.day, s), dt.datetime.combine(fields.day, e))
                    for s, e in breaks]
    slots = []
    while cursor + step <= window_end:
        clash = next((b for b in local_breaks if cursor < b[1] and b[0] < cursor + step), None)
        if clash is not None:
            cursor = clash[1]
            continue
        slots.append((_utc(event, cursor), _utc(event, cursor + step)))
        cursor += step
    return slots


def _utc(event: Event, local: dt.datetime) -> dt.datetime:
    return local.replace(tzinfo=event.tz).astimezone(dt.UTC)


def save_window(window: PartneringWindow | None, event: Event, fields: WindowFields, *,
                unplace: bool = False) -> PartneringWindow:
    """Create (``window`` None) or change a window of ``event`` and (re)cut its slots.

    Refuses a day outside the event, an end not after the start, unreadable breaks, an
    overlap with another window, and (SlotsInUse, with the count) removing slots that hold
    placed meetings unless ``unplace`` says to unplace them (their people are told when
    the schedule is published). Flushes; the caller commits.
    """
    settings = settings_of(event, for_update=True)
    if fields.day not in event.days:
        raise InvalidWindow(str(_l("Choose one of the event's days.")))
    if fields.end <= fields.start:
        raise InvalidWindow(str(_l("The window must end after it starts.")))
    starts_at = _utc(event, dt.datetime.combine(fields.day, fields.start))
    ends_at = _utc(event, dt.datetime.combine(fields.day, fields.end))
    for other in windows_of(event):
        if other is not window and other.starts_at < ends_at and starts_at < other.ends_at:
            raise InvalidWindow(str(_l("This window overlaps another partnering window.")))
    wanted = cut_slots(event, fields, settings.slot_minutes)
    if not wanted:
        raise InvalidWindow(str(_l("The window is too short for one slot of %(minutes)d "
                                   "minutes.", minutes=settings.slot_minutes)))
    if window is None:
        window = PartneringWindow(event_id=event.id)
        db.session.add(window)
    window.name = fields.name
    window.starts_at, window.ends_at = starts_at, ends_at
    window.breaks = ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in parse_breaks(fields.breaks))
    _recut(event, settings, window, wanted, unplace=unplace)
    return window


def delete_window(window: PartneringWindow, *, unplace: bool = False) -> None:
    """Delete a window and its slots; SlotsInUse (with the count) while meetings are
    placed in them, unless ``unplace``. Flushes; the caller commits."""
    settings = settings_of(window.event, for_update=True)
    _recut(window.event, settings, window, [], unplace=unplace)
    db.session.delete(window)
    db.session.flush()


def save_table_settings(event: Event, *, table_count: int, slot_minutes: int,
                        unplace: bool = False) -> PartneringSettings:
    """Set the number of tables and the slot length. A new slot length re-cuts every
    window; fewer tables or lost slots that hold placed meetings refuse (SlotsInUse with the
    count) unless ``unplace``. Flushes; the caller commits."""
    if not 1 <= table_count <= MAX_TABLES:
        raise InvalidTableSettings(str(_l("The number of tables must be between 1 and "
                                          "%(max)d.", max=MAX_TABLES)))
    if not MIN_SLOT_MINUTES <= slot_minutes <= MAX_SLOT_MINUTES:
        raise InvalidTableSettings(str(_l(
            "A slot lasts between %(min)d and %(max)d minutes.", min=MIN_SLOT_MINUTES,
            max=MAX_SLOT_MINUTES)))
    settings = settings_of(event, for_update=True)
    beyond = list(db.session.execute(
        db.select(MeetingRequest).where(MeetingRequest.event_id == event.id,
                                        MeetingRequest.slot_id.is_not(None),
                                        MeetingRequest.table_number > table_count)).scalars())
    windows = windows_of(event)
    recut = []
    if slot_minutes != settings.slot_minutes:
        for window in windows:
            fields = window_fields(window)
            recut.append((window, cut_slots(event, fields, slot_minutes)))
        lost = _meetings_in(event, [s.id for w, wanted in recut for s in w.slots
                                    if (s.starts_at, s.ends_at) not in set(wanted)])
        beyond = list({m.id: m for m in [*beyond, *lost]}.values())
    if beyond and not unplace:
        raise SlotsInUse(_in_use_message(len(beyond)), meetings=len(beyond))
    _unplace(settings, beyond)
    settings.table_count = table_count
    settings.slot_minutes = slot_minutes
    for window, wanted in recut:
        _recut(event, settings, window, wanted, unplace=True)
    db.session.flush()
    return settings


def window_fields(window: PartneringWindow) -> WindowFields:
    """A window as the organizer typed it (local day and times)."""
    tz = window.event.tz
    start, end = window.starts_at.astimezone(tz), window.ends_at.astimezone(tz)
    return WindowFields(name=window.name, day=start.date(), start=start.time(),
                        end=end.time(), breaks=window.breaks)


def _recut(event: Event, settings: PartneringSettings, window: PartneringWindow,
           wanted: list[tuple[dt.datetime, dt.datetime]], *, unplace: bool) -> None:
    wanted_set = set(wanted)
    existing = {(slot.starts_at, slot.ends_at): slot for slot in window.slots}
    gone = [slot for key, slot in existing.items() if key not in wanted_set]
    placed = _meetings_in(event, [slot.id for slot in gone if slot.id is not None])
    if placed and not unplace:
        raise SlotsInUse(_in_use_message(len(placed)), meetings=len(placed))
    _unplace(settings, placed)
    for slot in gone:
        window.slots.remove(slot)
    # Deletes first: a new slot may start when a removed one did (unique window + start).
    db.session.flush()
    for start, end in wanted:
        if (start, end) not in existing:
            window.slots.append(PartneringSlot(event_id=event.id, starts_at=start, ends_at=end))
    db.session.flush()


def _meetings_in(event: Event, slot_ids: list[int]) -> list[MeetingRequest]:
    if not slot_ids:
        return []
    return list(db.session.execute(
        db.select(MeetingRequest).where(MeetingRequest.event_id == event.id,
                                        MeetingRequest.slot_id.in_(slot_ids))).scalars())


def _unplace(settings: PartneringSettings, meetings: list[MeetingRequest]) -> None:
    if not meetings:
        return
    for meeting in meetings:
        if settings.published_at is not None and meeting.state is RequestState.ACCEPTED:
            tell_unplaced(meeting)
        meeting.slot_id = None
        meeting.table_number = None
        meeting.locked = False
    settings.schedule_version += 1
    db.session.flush()


def _in_use_message(count: int) -> str:
    return ngettext("%(num)d placed meeting would lose its slot or table. Confirm to "
                    "unplace it.", "%(num)d placed meetings would lose their slot or table. "
                    "Confirm to unplace them.", count)
