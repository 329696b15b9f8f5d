"""Funder documents: attendance sheets as PDF (WeasyPrint, "page N of M") and XLSX, and
the indicators as XLSX. Text cells are neutralised like the registrations export, so a
name such as ``=HYPERLINK(...)`` stays text in Excel."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from flask import render_template
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from conference.content import localize
from conference.i18n import country_name
from conference.models import Event
from conference.services.badges.core import logo_path
from conference.services.badges.text import font_files
from conference.services.pdf_files import font_configuration, own_files_fetcher
from conference.services.registration.export import neutralise
from conference.services.reports.attendance import SheetRow
from conference.services.reports.indicators import Indicators
from conference.services.reports.settings import (
    funder_logo_path,
    organisation_type_label,
    report_settings,
)

SCHEME = "report-file"



def _local_time(event: Event, instant: dt.datetime) -> str:
    return instant.astimezone(event.tz).strftime("%H:%M")


def attendance_pdf(event: Event, title: str, rows: list[SheetRow], *, language: str,
                   with_times: bool = False) -> bytes:
    """The sheet as an A4 PDF: both logos in the header, one line per person with an empty
    signature box, "page N of M" at the foot of every page."""
    from weasyprint import HTML

    resources: dict[str, Path] = {f"font-{k}": v for k, v in font_files().items()}
    for name, path in (("event-logo", logo_path(event)), ("funder-logo", funder_logo_path(event))):
        if path is not None:
            resources[name] = path
    settings = report_settings(event)
    html = render_template(
        "reports/pdf/attendance.html", event=event, title=title, rows=rows,
        with_times=with_times, scheme=SCHEME, resources=resources, language=language,
        event_name=localize(event.name, language, event.language),
        funder_name=localize(settings.funder_name, language, event.language),
        times=[_local_time(event, row.checked_in_at) for row in rows])
    return HTML(string=html, url_fetcher=own_files_fetcher(SCHEME, resources)).write_pdf(
        font_config=font_configuration(), pdf_tags=True)


def _cell(value):
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attendance_xlsx(event: Event, title: str, rows: list[SheetRow], *, language: str,
                    with_times: bool = False) -> bytes:
    """The sheet as a workbook: a title row, a header, one row per person."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_l("Attendance"))[:31])
    sheet.append([_cell(title)])
    header = ["#", str(_l("Last name")), str(_l("First name")), str(_l("Organization"))]
    if with_times:
        header.append(str(_l("Checked in")))
    sheet.append([*header, str(_l("Signature"))])
    for number, row in enumerate(rows, start=1):
        line = [number, _cell(row.last_name), _cell(row.first_name), _cell(row.organization)]
        if with_times:
            line.append(_local_time(event, row.checked_in_at))
        sheet.append([*line, ""])
    return _save(workbook)


def indicators_xlsx(event: Event, figures: Indicators, *, language: str) -> bytes:
    """The indicators, one sheet per table."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(str(_l("Summary"))[:31])
    summary.append([str(_l("Indicator")), str(_l("Value"))])
    summary.append([str(_l("Unique participants")), figures.unique_participants])
    summary.append([str(_l("International participants")), figures.international])
    summary.append([str(_l("International share (%)")),
                    round(figures.international_share * 100, 1)])
    summary.append([str(_l("Country not given")), figures.unknown_country])
    countries = workbook.create_sheet(str(_l("Countries"))[:31])
    countries.append([str(_l("Country")), str(_l("Participants"))])
    for code, count in figures.per_country:
        countries.append([_cell(country_name(code, language) if code else str(_l("not given"))),
                          count])
    kinds = workbook.create_sheet(str(_l("Organisation types"))[:31])
    kinds.append([str(_l("Organisation type")), str(_l("Participants"))])
    for key, count in figures.per_organisation_type:
        label = organisation_type_label(event, key, language) if key else str(_l("not given"))
        kinds.append([_cell(label), count])
    days = workbook.create_sheet(str(_l("Days"))[:31])
    days.append([str(_l("Day")), str(_l("Participants"))])
    for day, count in figures.per_day:
        days.append([day.isoformat(), count])
    sessions = workbook.create_sheet(str(_l("Sessions"))[:31])
    sessions.append([str(_l("Session")), str(_l("Participants"))])
    for session, count in figures.per_session:
        sessions.append([_cell(localize(session.title, language, event.language)), count])
    return _save(workbook)
