"""Attendance sheets as PDF are jobs: a day of a large event is thousands of lines, and
WeasyPrint alone needs about a second to start, so even a small sheet would hold a web
request too long. The organizer starts the job, watches its progress and downloads the
PDF from the job page (``jobs_manage.result``, which logs the export)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable

from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l

from conference.content import localize
from conference.extensions import db
from conference.models import Event, Job, Session, User
from conference.services import DomainError
from conference.services.jobs.core import JobResult, result_folder, start_job
from conference.services.reports.attendance import day_sheet, session_sheet
from conference.services.reports.documents import attendance_pdf

#: ``Job.kind`` of an attendance sheet as PDF.
ATTENDANCE_PDF = "reports.attendance_pdf"
RESULT_SUBFOLDER = "reports"


class SheetNotFound(DomainError):
    """The day is not one of the event's, or the session is not the event's (any more)."""

    code = "sheet_not_found"


def start_attendance_pdf(event: Event, *, language: str, with_times: bool = False,
                         day: dt.date | None = None, session: Session | None = None,
                         user: User | None, now: dt.datetime | None = None
                         ) -> tuple[Job, bool]:
    """Queue the attendance sheet of one day or one session as PDF (or join the same one
    under way); the job's total is the number of lines."""
    if (day is None) == (session is None):
        raise ValueError("give either a day or a session")
    if day is not None and day not in event.days:
        raise SheetNotFound(str(_l("This day is not one of the event's days.")))
    if session is not None and session.event_id != event.id:
        raise SheetNotFound(str(_l("This session is not part of the event.")))
    rows = day_sheet(event, day) if day is not None else session_sheet(session)
    target = f"day:{day.isoformat()}" if day is not None else f"session:{session.id}"
    params = {"day": day.isoformat() if day is not None else None,
              "session_id": session.id if session is not None else None,
              "times": bool(with_times), "language": language}
    return start_job(ATTENDANCE_PDF, event=event, user=user, params=params,
                     dedupe_key=f"{ATTENDANCE_PDF}:{event.id}:{target}:{int(with_times)}:"
                                f"{language}",
                     total=len(rows), now=now)


def sheet_title(event: Event, *, language: str, day: dt.date | None = None,
                session: Session | None = None) -> str:
    """"Attendance list, <day>" or "Attendance list, <session title>" in ``language``."""
    with force_locale(language):
        if day is not None:
            return str(_l("Attendance list, %(day)s", day=format_date(day, "full")))
        return str(_l("Attendance list, %(session)s",
                      session=localize(session.title, language, event.language)))


def build_attendance_pdf(job: Job, progress: Callable[[int, int | None], None]) -> JobResult:
    """The job's work: read the sheet's lines at run time (check-ins made since the start
    are in), render the PDF and write it to the result folder."""
    event, params = job.event, job.params or {}
    language = params.get("language") or event.language
    day = dt.date.fromisoformat(params["day"]) if params.get("day") else None
    session = None
    if day is None:
        session = db.session.get(Session, params.get("session_id") or 0)
        if session is None or session.event_id != event.id:
            raise SheetNotFound(str(_l("This session is not part of the event.")))
    rows = day_sheet(event, day) if day is not None else session_sheet(session)
    progress(0, len(rows))
    with force_locale(language):
        title = sheet_title(event, language=language, day=day, session=session)
        data = attendance_pdf(event, title, rows, language=language,
                              with_times=bool(params.get("times")))
    folder = result_folder() / RESULT_SUBFOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"job-{job.id}-{secrets.token_hex(8)}.pdf"
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, path)
    progress(len(rows), len(rows))
    name = (f"{event.slug}-attendance-{day.isoformat()}" if day is not None
            else f"{event.slug}-attendance-session-{session.id}")
    if params.get("times"):
        name += "-times"
    return JobResult(path=path, filename=f"{name}.pdf")
