"""Exports of an event's feedback: the anonymous responses (CSV, XLSX) and the summary per
session and per track (XLSX, a second sheet).

Responses carry no name, email, registration id or time: an organizer must not be able to
tell who wrote a comment. Text cells a spreadsheet would run as a formula are neutralised
as in the registration export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from conference.extensions import db
from conference.models import Event, Feedback, Session, Track
from conference.models.feedback import RATINGS
from conference.services.feedback.results import event_results
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


def export_xlsx(event: Event) -> bytes:
    """A workbook with the summary sheet and the responses sheet."""
    workbook = Workbook(write_only=True)
    for title, rows in ((_l("Summary"), summary_rows(event)),
                        (_l("Responses"), response_rows(event))):
        sheet = workbook.create_sheet(str(title)[:31])
        for values in rows:
            sheet.append([_clean(value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
