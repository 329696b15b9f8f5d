"""Feedback results: distribution maths, tracks, comments without names, what speakers
see, and the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from conference.extensions import db
from conference.models import Feedback, SeatBooking
from conference.services.feedback.export import export_csv, export_xlsx
from conference.services.feedback.results import (
    Summary,
    event_results,
    speaker_results,
)
from tests.fixtures.feedback import AFTER_CLOSE, CLOSES_AT


@pytest.fixture
def rate(app):
    """Store a rating directly (the rules have their own tests)."""

    def add(registration, rating: int, session=None, comment: str = "") -> Feedback:
        row = Feedback(event_id=registration.event_id, registration_id=registration.id,
                       session_id=session.id if session else None, rating=rating,
                       comment=comment)
        db.session.add(row)
        db.session.commit()
        return row

    return add


@pytest.fixture
def attendees(feedback_world, make_registration):
    """Four more attendees of the fixture event."""
    return [make_registration(feedback_world.event) for _ in range(4)]


def test_a_summary_counts_each_rating_and_averages_to_two_decimals():
    summary = Summary.of({5: 1, 4: 2, 1: 1})
    assert (summary.distribution, summary.count, summary.average) == (
        (1, 0, 0, 2, 1), 4, Decimal("3.50"))


def test_an_average_rounds_half_up():
    assert Summary.of({1: 1, 2: 1, 4: 6}).average == Decimal("3.38")  # 3.375


def test_a_summary_without_ratings_has_no_average():
    assert (Summary.of({}).count, Summary.of({}).average) == (0, None)


def test_each_session_has_its_own_distribution(feedback_world, attendees, rate):
    w = feedback_world
    for registration, rating in zip(attendees, (5, 4, 4, 2), strict=True):
        rate(registration, rating, w.booked)
    rate(attendees[0], 1, w.starred)
    results = {r.session.id: r.summary for r in event_results(w.event).sessions}
    assert results[w.booked.id].distribution == (0, 1, 0, 2, 1)
    assert results[w.booked.id].average == Decimal("3.75")
    assert results[w.starred.id].distribution == (1, 0, 0, 0, 0)
    assert results[w.other.id].count == 0


def test_a_track_adds_up_the_ratings_of_its_sessions(feedback_world, attendees, rate):
    w = feedback_world
    rate(attendees[0], 5, w.booked)
    rate(attendees[1], 3, w.starred)
    rate(attendees[2], 1, w.other)  # no track
    tracks = {(t.track.name if t.track else None): t.summary
              for t in event_results(w.event).tracks}
    assert tracks["Genomics"].distribution == (0, 0, 1, 0, 1)
    assert tracks["Genomics"].average == Decimal("4.00")
    assert tracks[None].distribution == (1, 0, 0, 0, 0)


def test_the_event_rating_is_apart_from_the_session_ratings(feedback_world, attendees, rate):
    w = feedback_world
    rate(attendees[0], 2)
    rate(attendees[1], 4)
    rate(attendees[0], 5, w.booked)
    results = event_results(w.event)
    assert results.event.distribution == (0, 1, 0, 1, 0)
    assert results.all_sessions.distribution == (0, 0, 0, 0, 1)


def test_comments_are_listed_alphabetically_without_names(feedback_world, attendees, rate):
    w = feedback_world
    rate(attendees[0], 4, w.booked, comment="Very practical")
    rate(attendees[1], 2, w.booked, comment="a bit rushed")
    rate(attendees[2], 3, w.booked)
    [booked] = [r for r in event_results(w.event).sessions if r.session.id == w.booked.id]
    assert booked.comments == ["a bit rushed", "Very practical"]


# ---------------------------------------------------------------- speakers

@pytest.fixture
def speakers(feedback_world, make_speaker):
    """One speaker of the booked session, another of the starred one."""
    w = feedback_world
    own, other = make_speaker(w.event), make_speaker(w.event)
    w.booked.speakers.append(own)
    w.starred.speakers.append(other)
    db.session.commit()
    return own, other


def test_a_speaker_sees_nothing_before_feedback_closes(feedback_world, speakers, rate):
    rate(feedback_world.registration, 5, feedback_world.booked, comment="Great")
    assert speaker_results(speakers[0], CLOSES_AT - dt.timedelta(seconds=1)) == []


def test_a_speaker_sees_their_own_session_after_feedback_closes(feedback_world, speakers,
                                                                 attendees, rate):
    w = feedback_world
    rate(attendees[0], 5, w.booked, comment="Great")
    rate(attendees[1], 3, w.booked)
    [result] = speaker_results(speakers[0], AFTER_CLOSE)
    assert (result.session.id, result.summary.distribution, result.comments) == (
        w.booked.id, (0, 0, 1, 0, 1), ["Great"])


def test_a_speaker_never_sees_another_speakers_session(feedback_world, speakers, attendees,
                                                       rate):
    w = feedback_world
    rate(attendees[0], 1, w.starred, comment="Not my cup of tea")
    results = speaker_results(speakers[0], AFTER_CLOSE)
    assert [r.session.id for r in results] == [w.booked.id]
    assert all("Not my cup of tea" not in r.comments for r in results)


def test_a_speaker_sees_nothing_when_feedback_was_never_switched_on(make_event, make_session,
                                                                    make_speaker):
    event = make_event()
    speaker = make_speaker(event)
    make_session(event, speakers=[speaker])
    assert speaker_results(speaker, AFTER_CLOSE) == []


# ---------------------------------------------------------------- exports

def test_the_csv_export_has_one_anonymous_row_per_rating(feedback_world, attendees, rate):
    w = feedback_world
    rate(attendees[0], 4, w.booked, comment="Useful")
    rate(attendees[1], 5)
    rows = list(csv.reader(io.StringIO(export_csv(w.event).decode("utf-8-sig"))))
    assert rows[0] == ["Rated", "Session ID", "Session", "Track", "Rating", "Comment"]
    assert rows[1:] == [["Event", "", w.event.name, "", "5", ""],
                        ["Session", str(w.booked.id), "Gene editing workshop", "Genomics", "4",
                         "Useful"]]
    text = export_csv(w.event).decode("utf-8-sig")
    assert all(a.email not in text and a.last_name not in text for a in attendees)


def test_exports_neutralise_comments_a_spreadsheet_would_run(feedback_world, attendees, rate):
    w = feedback_world
    rate(attendees[0], 4, w.booked, comment='=HYPERLINK("http://evil.example","x")')
    rows = list(csv.reader(io.StringIO(export_csv(w.event).decode("utf-8-sig"))))
    assert rows[1][-1] == '\'=HYPERLINK("http://evil.example","x")'
    sheet = openpyxl.load_workbook(io.BytesIO(export_xlsx(w.event)))["Responses"]
    assert sheet.cell(row=2, column=6).value == '\'=HYPERLINK("http://evil.example","x")'
    assert sheet.cell(row=2, column=6).data_type == "s"


def test_the_xlsx_summary_lists_event_tracks_and_sessions(feedback_world, attendees, rate):
    w = feedback_world
    rate(attendees[0], 4, w.booked)
    rate(attendees[1], 2, w.booked)
    rate(attendees[2], 5)
    workbook = openpyxl.load_workbook(io.BytesIO(export_xlsx(w.event)))
    assert workbook.sheetnames == ["Summary", "Responses"]
    rows = [list(row) for row in workbook["Summary"].iter_rows(values_only=True)]
    assert rows[0] == ["Level", "Name", "Track", "Ratings", "Average", "1", "2", "3", "4", "5"]
    assert rows[1] == ["Event", w.event.name, None, 1, 5, 0, 0, 0, 0, 1]
    assert ["Track", "Genomics", "Genomics", 2, 3, 0, 1, 0, 1, 0] in rows
    assert ["Session", "Gene editing workshop", "Genomics", 2, 3, 0, 1, 0, 1, 0] in rows


def test_a_booking_without_a_rating_adds_nothing_to_the_results(feedback_world, attendees):
    w = feedback_world
    db.session.add(SeatBooking(session_id=w.booked.id, registration_id=attendees[0].id))
    db.session.commit()
    assert sum(r.summary.count for r in event_results(w.event).sessions) == 0


def test_the_workbook_job_reports_progress_and_writes_the_file(feedback_world, attendees,
                                                                rate, monkeypatch):
    from conference.models import JobState
    from conference.services.feedback import export as module
    from conference.services.jobs.core import result_file, run_job

    w = feedback_world
    for person in attendees[:3]:
        rate(person, 4, w.booked)
    monkeypatch.setattr(module, "PROGRESS_EVERY", 2)
    job, _ = module.start_xlsx_export(w.event, language="pl", user=None)
    db.session.commit()
    seen = []
    real = module.export_xlsx

    def spying(event, *, progress=None, total=None):
        def spy(done, total=None):
            seen.append(done)
            progress(done, total)
        return real(event, progress=spy, total=total)

    monkeypatch.setattr(module, "export_xlsx", spying)
    run_job(job.id, module.build_xlsx_export)
    db.session.refresh(job)
    assert job.state is JobState.DONE and seen == [2, 3]
    assert (job.progress_done, job.progress_total) == (3, 3)
    workbook = openpyxl.load_workbook(io.BytesIO(result_file(job).read_bytes()))
    assert workbook.sheetnames == ["Podsumowanie", "Odpowiedzi"]
