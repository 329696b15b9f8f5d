"""Exports of an event's feedback: the anonymous responses (CSV, XLSX) and the summary per
session and per track (XLSX, a second sheet).

Responses carry no name, email, registration id or time: an organizer must not be able to
tell who wrote a comment. Text cells a spreadsheet would run as a formula are neutralised
as in the registration export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import secrets
from collections.abc import Callable, Iterator

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from conference.extensions import db
from conference.models import Event, Feedback, Job, Session, Track, User
from conference.models.feedback import RATINGS
from conference.services.feedback.results import event_results
from conference.services.jobs.core import JobResult, result_folder, start_job
from conference.services.registration.export import neutralise

RESPONSE_COLUMNS = (_l("Rated"), _l("Session ID"), _l("Session"), _l("Track"), _l("Rating"),
                    _l("Comment"))
SUMMARY_COLUMNS = (_l("Level"), _l("Name"), _l("Track"), _l("Ratings"), _l("Average"),
                   *(str(rating) for rating in RATINGS))


def response_rows(event: Event) -> Iterator[list]:
    """The header, then one row per rating: the event's first, then by session, rating and
    comment (an order that tells nothing about who answered when)."""
    yield [neutralise(str(column)) for column in RESPONSE_COLUMNS]
    event_label, session_label = str(_l("Event")), str(_l("Session"))
    # Titles and track names are translated values: read each session's once, not per row.
    sessions = {
        session_id: (str(title), str(track) if track is not None else "")
        for session_id, title, track in db.session.execute(
            db.select(Session.id, Session.title, Track.name)
            .outerjoin(Track, Track.id == Session.track_id)
            .where(Session.event_id == event.id))
    }
    rows = db.session.execute(
        db.select(Feedback.session_id, Feedback.rating, Feedback.comment)
        .outerjoin(Session, Session.id == Feedback.session_id)
        .where(Feedback.event_id == event.id)
        .order_by(Feedback.session_id.is_not(None), Session.starts_at, Session.id,
                  Feedback.rating, Feedback.comment)
        .execution_options(yield_per=2000)
    )
    event_name = str(event.name)
    for session_id, rating, comment in rows:
        if session_id is None:
            row = [event_label, "", event_name, "", rating, comment]
        else:
            title, track = sessions[session_id]
            row = [session_label, session_id, title, track, rating, comment]
        yield [neutralise(value) for value in row]


def summary_rows(event: Event) -> Iterator[list]:
    """The header, then the event, each track and each session with count, average and
    the number of each rating."""
    yield [neutralise(str(column)) for column in SUMMARY_COLUMNS]
    results = event_results(event)
    no_track = str(_l("No track"))

    def row(level, name, track, summary):
        average = float(summary.average) if summary.average is not None else ""
        return [neutralise(v) for v in (str(level), name, track, summary.count, average,
                                        *summary.distribution)]

    yield row(_l("Event"), str(event.name), "", results.event)
    yield row(_l("All sessions"), "", "", results.all_sessions)
    for track in results.tracks:
        name = str(track.track.name) if track.track else no_track
        yield row(_l("Track"), name, name, track.summary)
    for result in results.sessions:
        session = result.session
        yield row(_l("Session"), str(session.title),
                  str(session.track.name) if session.track else "", result.summary)


def export_csv(event: Event) -> bytes:
    """The responses as CSV: UTF-8 with a BOM so that Excel reads the accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in response_rows(event):
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def _clean(value):
    # openpyxl refuses control characters and would store "=..." as a formula.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)) if isinstance(value, str) else value


#: How often (in responses) the workbook job reports its progress.
PROGRESS_EVERY = 1000


def export_xlsx(event: Event, *, progress: Callable[[int, int | None], None] | None = None,
                total: int | None = None) -> bytes:
    """A workbook with the summary sheet and the responses sheet; ``progress(done,
    total)`` is told every ``PROGRESS_EVERY`` responses and at the end."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(str(_l("Summary"))[:31])
    for values in summary_rows(event):
        summary.append([_clean(value) for value in values])
    responses = workbook.create_sheet(str(_l("Responses"))[:31])
    # Read whole before writing: ``progress`` commits, which would close a server-side
    # cursor still streaming the rows (PostgreSQL).
    rows = list(response_rows(event)) if progress else response_rows(event)
    done = 0
    # The first row is the header: ``done`` counts the responses written after it.
    for done, values in enumerate(rows):
        responses.append([_clean(value) for value in values])
        if progress and done > 0 and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if progress:
        progress(done, total)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- The workbook as a job ----------------------------------------------------------------

#: ``Job.kind`` of the feedback workbook: an event of thousands of ratings takes longer
#: than a web request should.
XLSX_JOB = "feedback.xlsx"


def start_xlsx_export(event: Event, *, language: str, user: User | None,
                      now: dt.datetime | None = None) -> tuple[Job, bool]:
    """Queue the feedback workbook in ``language`` (or join the same one under way); the
    job's total is the number of ratings."""
    total = db.session.execute(
        db.select(sa.func.count()).select_from(Feedback).where(Feedback.event_id == event.id)
    ).scalar_one()
    return start_job(XLSX_JOB, event=event, user=user, params={"language": language},
                     dedupe_key=f"{XLSX_JOB}:{event.id}:{language}", total=total, now=now)


def build_xlsx_export(job: Job, progress: Callable[[int, int | None], None]) -> JobResult:
    """The job's work: the workbook of ``export_xlsx``, written to the result folder."""
    event = job.event
    with force_locale((job.params or {}).get("language") or event.language):
        data = export_xlsx(event, progress=progress, total=job.progress_total)
    folder = result_folder() / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"job-{job.id}-{secrets.token_hex(8)}.xlsx"
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, path)
    return JobResult(path=path, filename=f"{event.slug}-feedback.xlsx")
