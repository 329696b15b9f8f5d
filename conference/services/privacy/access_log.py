"""Who saw what: every organizer export of personal data is written to the export log.

Export routes call ``record_export`` with what they exported, the filters and the number
of people in it; superusers read the log (``list_exports``). The log keeps the account's
email and the event's slug, so it still says who exported what after either is deleted.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from conference.extensions import db
from conference.models import Event, ExportLogEntry, User
from conference.models.types import utcnow

#: Longest filter text kept (a hostile query string must not fill the table).
FILTERS_MAX = 2000


def _filters_text(filters: Mapping[str, object] | None) -> str:
    lines = [f"{key}={value}" for key, value in sorted((filters or {}).items())
             if value not in (None, "", [], ())]
    return "\n".join(lines)[:FILTERS_MAX]


def record_export(what: str, *, user: User | None, event: Event | None = None,
                  filters: Mapping[str, object] | None = None, row_count: int | None = None,
                  now: dt.datetime | None = None) -> ExportLogEntry:
    """Log one export of personal data (does not commit: the caller commits with the
    export, or right after producing it)."""
    entry = ExportLogEntry(
        at=now or utcnow(), user_id=getattr(user, "id", None),
        user_email=getattr(user, "email", "") or "",
        event_id=event.id if event is not None else None,
        event_slug=event.slug if event is not None else "",
        what=what[:80], filters=_filters_text(filters), row_count=row_count)
    db.session.add(entry)
    return entry


@dataclass
class ExportLogPage:
    """One page of the export log, newest first."""

    items: list[ExportLogEntry]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def list_exports(*, event_id: int | None = None, user_id: int | None = None, page: int = 1,
                 per_page: int = 50) -> ExportLogPage:
    """The log filtered by event and/or staff member, newest first, one page of it (a page
    beyond the last shows the last)."""
    where = []
    if event_id is not None:
        where.append(ExportLogEntry.event_id == event_id)
    if user_id is not None:
        where.append(ExportLogEntry.user_id == user_id)
    total = db.session.execute(
        sa.select(sa.func.count(ExportLogEntry.id)).where(*where)).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    items = list(db.session.execute(
        sa.select(ExportLogEntry).where(*where)
        .order_by(ExportLogEntry.at.desc(), ExportLogEntry.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).scalars())
    return ExportLogPage(items=items, total=total, page=page, per_page=per_page)


def logged_events() -> list[tuple[int, str]]:
    """(id, slug) of the events that have log entries, for the filter."""
    return [tuple(row) for row in db.session.execute(
        sa.select(Event.id, Event.slug).where(
            Event.id.in_(sa.select(ExportLogEntry.event_id).distinct()))
        .order_by(Event.slug)).all()]


def logged_users() -> list[tuple[int, str]]:
    """(id, email) of the staff members who have log entries, for the filter."""
    return [tuple(row) for row in db.session.execute(
        sa.select(User.id, User.email).where(
            User.id.in_(sa.select(ExportLogEntry.user_id).distinct()))
        .order_by(User.email)).all()]
