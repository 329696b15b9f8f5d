"""A day of the programme as a table: time rows by room columns, sessions spanning rows.

Rendered as an HTML table with ``rowspan`` (no inline styles: the CSP forbids them).
Sessions that overlap in one room (a conflict) share one cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from conference.models import Event, Room, Session


@dataclass
class Cell:
    sessions: list[Session] = field(default_factory=list)
    rowspan: int = 1


@dataclass
class DayGrid:
    columns: list[Room | None]
    #: Local start of each row.
    times: list[dt.datetime]
    #: rows[i][j]: a Cell starting here, "free", or None (covered by a cell above).
    rows: list[list]

    @property
    def empty(self) -> bool:
        return not self.times


def sessions_on(event: Event, sessions: list[Session], day: dt.date) -> list[Session]:
    """Scheduled sessions starting on ``day`` in the event's timezone, by start."""
    tz = event.tz
    return sorted(
        (s for s in sessions if s.is_scheduled and s.starts_at.astimezone(tz).date() == day),
        key=lambda s: (s.starts_at, s.id),
    )


def build_grid(event: Event, sessions: list[Session], rooms: list[Room], day: dt.date,
               step_minutes: int = 15) -> DayGrid:
    """The grid of ``day``; sessions without a room get a last, unnamed column."""
    tz = event.tz
    todays = sessions_on(event, sessions, day)
    columns: list[Room | None] = list(rooms)
    if any(s.room is None or s.room not in rooms for s in todays):
        columns.append(None)
    if not todays:
        return DayGrid(columns, [], [])
    step = dt.timedelta(minutes=step_minutes)
    first = todays[0].starts_at.astimezone(tz)
    start = first.replace(minute=first.minute - first.minute % step_minutes, second=0,
                          microsecond=0).astimezone(dt.UTC)
    end = max(s.ends_at for s in todays)
    count = max(1, -(-int((end - start).total_seconds()) // int(step.total_seconds())))
    times = [(start + i * step).astimezone(tz) for i in range(count)]
    rows: list[list] = [["free"] * len(columns) for _ in range(count)]
    for col, room in enumerate(columns):
        mine = [s for s in todays
                if (s.room is room) or (room is None and (s.room is None or s.room not in rooms))]
        current: Cell | None = None
        current_row = current_end = 0
        for s in mine:
            row = int((s.starts_at - start).total_seconds() // step.total_seconds())
            last = max(row + 1, -(-int((s.ends_at - start).total_seconds())
                                  // int(step.total_seconds())))
            if current is not None and row < current_end:
                current.sessions.append(s)  # overlapping in one room: share the cell
                current_end = max(current_end, last)
                current.rowspan = current_end - current_row
                continue
            current = Cell([s], last - row)
            current_row, current_end = row, last
            rows[row][col] = current
        for r in range(count):
            cell = rows[r][col]
            if isinstance(cell, Cell):
                for covered in range(r + 1, min(r + cell.rowspan, count)):
                    rows[covered][col] = None
    return DayGrid(columns, times, rows)
