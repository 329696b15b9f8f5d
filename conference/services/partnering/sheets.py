"""Printable partnering documents (WeasyPrint): a person's meeting agenda, the organizer's
table plan (per slot: table -> pair) and the per-table sheets (one page per table, its
meetings by time with both names and organisations).

Like the funder reports, the renderer may load only our own font files: names and
descriptions people typed can never make it fetch anything.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale

from conference.content import localize
from conference.models import Event, Job, MeetingRequest, PartneringProfile, PartneringSlot, User
from conference.services.badges.text import font_files
from conference.services.jobs.core import JobResult, result_folder, start_job
from conference.services.partnering.meetings import agenda, event_meetings
from conference.services.pdf_files import font_configuration, own_files_fetcher

#: Job kinds of the organizer's documents for all tables (too slow for a web request:
#: 60 tables with 18 slots take tens of seconds).
TABLE_PLAN = "partnering.table_plan"
TABLE_SHEETS = "partnering.table_sheets"
DOCUMENT_KINDS = (TABLE_PLAN, TABLE_SHEETS)
#: Tables (or slots) rendered per WeasyPrint run in a job; the job reports progress
#: after each chunk and joins the chunks' pages.
CHUNK = 10
RESULT_SUBFOLDER = "partnering"

SCHEME = "partnering-file"



def _render(template: str, event: Event, language: str, **context) -> bytes:
    from weasyprint import HTML

    resources = {f"font-{k}": v for k, v in font_files().items()}
    with force_locale(language):
        html = render_template(template, event=event, language=language, scheme=SCHEME,
                               event_name=localize(event.name, language, event.language),
                               **context)
    return HTML(string=html, url_fetcher=own_files_fetcher(SCHEME, resources)).write_pdf(
        font_config=font_configuration(), pdf_tags=True)


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


def table_plan_pdf(event: Event, language: str, rows: list[SlotRow] | None = None) -> bytes:
    """The table plan (or the given slots of it) as an A4 landscape PDF: one block per
    slot, table -> pair."""
    return _render("partnering_day/pdf/table_plan.html", event, language,
                   rows=table_plan(event) if rows is None else rows)


def table_sheets_pdf(event: Event, language: str, table_number: int | None = None,
                     tables: dict[int, list[MeetingRequest]] | None = None) -> bytes:
    """One A4 page per table (or only ``table_number``'s, or the given ``tables``): its
    meetings by time."""
    return _render("partnering_day/pdf/table_sheets.html", event, language,
                   tables=table_meetings(event, table_number) if tables is None else tables)


def start_document_job(event: Event, kind: str, *, user: User | None, language: str,
                       now: dt.datetime | None = None) -> tuple[Job, bool]:
    """Queue the table plan or all table sheets as a PDF in ``language`` (or join the same
    one under way)."""
    assert kind in DOCUMENT_KINDS
    return start_job(kind, event=event, user=user, params={"language": language},
                     dedupe_key=f"{kind}:{event.id}:{language}", total=0, now=now)


def build_document(job: Job, progress: Callable[[int, int | None], None]) -> JobResult:
    """The job's work: render the document in chunks (progress after each), join them."""
    from pypdf import PdfWriter

    event = job.event
    language = job.params.get("language") or event.language
    if job.kind == TABLE_PLAN:
        rows = table_plan(event)
        chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)] or [[]]
        name = "table-plan"

        def chunk_pdf(chunk):
            return table_plan_pdf(event, language, rows=chunk)
    else:
        items = list(table_meetings(event).items())
        chunks = [dict(items[i:i + CHUNK]) for i in range(0, len(items), CHUNK)] or [{}]
        name = "table-sheets"

        def chunk_pdf(chunk):
            return table_sheets_pdf(event, language, tables=chunk)
    writer = PdfWriter()
    progress(0, len(chunks))
    for done, chunk in enumerate(chunks, start=1):
        writer.append(io.BytesIO(chunk_pdf(chunk)))
        progress(done, len(chunks))
    folder = result_folder() / RESULT_SUBFOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"job-{job.id}-{secrets.token_hex(8)}.pdf"
    partial = path.with_suffix(".part")
    with open(partial, "wb") as out:
        writer.write(out)
    os.replace(partial, path)
    return JobResult(path=path, filename=f"{event.slug}-{name}.pdf")
