"""Printable partnering documents (WeasyPrint): a person's meeting agenda, the organizer's
table plan (per slot: table -> pair) and the per-table sheets (one page per table, its
meetings by time with both names and organisations).

Like the funder reports, the renderer may load only our own font files: names and
descriptions people typed can never make it fetch anything.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from flask import render_template
from flask_babel import force_locale

from conference.content import localize
from conference.models import Event, MeetingRequest, PartneringProfile, PartneringSlot
from conference.services.badges.text import font_files
from conference.services.partnering.meetings import agenda, event_meetings

SCHEME = "partnering-file"


def _fetcher(resources: dict[str, Path]):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PartneringURLFetcher(URLFetcher):
        """Serves ``partnering-file:<name>`` for this render's own files; refuses the rest."""

        def __init__(self):
            super().__init__(allowed_protocols=(SCHEME,), fail_on_errors=False)

        def fetch(self, url, headers=None):
            name = url[len(SCHEME) + 1:] if url.startswith(SCHEME + ":") else None
            if name not in resources:
                raise ValueError(f"refused: {url[:80]!r}")
            return URLFetcherResponse(url, resources[name].read_bytes(), {})

    return PartneringURLFetcher()


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _render(template: str, event: Event, language: str, **context) -> bytes:
    from weasyprint import HTML

    resources = {f"font-{k}": v for k, v in font_files().items()}
    with force_locale(language):
        html = render_template(template, event=event, language=language, scheme=SCHEME,
                               event_name=localize(event.name, language, event.language),
                               **context)
    return HTML(string=html, url_fetcher=_fetcher(resources)).write_pdf(
        font_config=_font_config(), pdf_tags=True)


@dataclass
class SlotRow:
    """One slot of the table plan and its meetings by table."""

    slot: PartneringSlot
    meetings: list[MeetingRequest]


def table_plan(event: Event) -> list[SlotRow]:
    """Every slot with meetings, each with its meetings in table order."""
    rows: dict[int, SlotRow] = {}
    for meeting in event_meetings(event):
        rows.setdefault(meeting.slot_id, SlotRow(meeting.slot, [])).meetings.append(meeting)
    return list(rows.values())


def table_meetings(event: Event, table_number: int | None = None
                   ) -> dict[int, list[MeetingRequest]]:
    """Meetings per table (all tables, or only ``table_number``), each by time."""
    tables: dict[int, list[MeetingRequest]] = {}
    for meeting in event_meetings(event):
        if table_number is None or meeting.table_number == table_number:
            tables.setdefault(meeting.table_number, []).append(meeting)
    return dict(sorted(tables.items()))


def agenda_pdf(profile: PartneringProfile, language: str) -> bytes:
    """The person's published meetings as an A4 PDF in ``language``."""
    return _render("partnering_day/pdf/agenda.html", profile.event, language,
                   profile=profile, entries=agenda(profile))


def table_plan_pdf(event: Event, language: str) -> bytes:
    """The table plan as an A4 landscape PDF: one block per slot, table -> pair."""
    return _render("partnering_day/pdf/table_plan.html", event, language,
                   rows=table_plan(event))


def table_sheets_pdf(event: Event, language: str, table_number: int | None = None) -> bytes:
    """One A4 page per table (or only ``table_number``'s): its meetings by time."""
    return _render("partnering_day/pdf/table_sheets.html", event, language,
                   tables=table_meetings(event, table_number))
