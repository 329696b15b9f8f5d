"""Anonymising a big event, on PostgreSQL.

Creates a throw-away database next to TEST_DATABASE_URL (default: local postgres), bulk
inserts one event with N registrations (default 20,000), 10 check-ins each (200,000), 3
outbox messages each (60,000), 2 answers each (one sensitive) and a scan-log row each,
then anonymises it (``services.privacy.anonymise.anonymise``, early) and prints one line:

    registrations=.. seconds=.. per_s=.. peak_mb=.. rss_mb=.. batches=..

``peak_mb``: the peak of Python memory during the run (tracemalloc); ``rss_mb``: the
process's maximum resident size, seeding included. Target: under 60 s and 300 MB.

Run: .venv/bin/python benchmarks/anonymise.py [N]
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conference import create_app  # noqa: E402
from conference.extensions import db  # noqa: E402
from conference.models import (  # noqa: E402
    Answer,
    CheckIn,
    Checkpoint,
    Event,
    EventStatus,
    OutboxMessage,
    OutboxStatus,
    Question,
    QuestionKind,
    Registration,
    RegistrationState,
    ScanLog,
    TicketType,
)
from conference.models.registrations import new_ticket_code, new_token  # noqa: E402
from conference.services.privacy.anonymise import anonymise  # noqa: E402
from tests.databases import create_scratch_database  # noqa: E402

CHUNK = 10_000


def _insert(model, rows) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(model), rows[start:start + CHUNK])


def _seed(count: int) -> Event:
    event = Event(slug="bench", name="Bench", starts_on=dt.date(2026, 5, 12),
                  ends_on=dt.date(2026, 5, 13), status=EventStatus.PUBLISHED)
    ticket = TicketType(event=event, name="Regular", capacity=None)
    gate = Checkpoint(event=event, name="Gate")
    diet = Question(event=event, label="Diet", kind=QuestionKind.SHORT_TEXT, sensitive=True)
    size = Question(event=event, label="Size", kind=QuestionKind.SHORT_TEXT)
    db.session.add_all([event, ticket, gate, diet, size])
    db.session.flush()
    at = dt.datetime(2026, 5, 12, 8, tzinfo=dt.UTC)
    _insert(Registration, [dict(
        event_id=event.id, ticket_type_id=ticket.id, state=RegistrationState.CONFIRMED,
        first_name="Anna", last_name=f"Nowak{i}", email=f"p{i}@example.org",
        organization="Selvita", job_title="Researcher", country="PL", phone="+48 600 000 000",
        locale="en", token=new_token(), ticket_code=new_ticket_code(), created_at=at,
        state_changed_at=at, search_key=f"anna nowak{i} selvita p{i}@example.org")
        for i in range(count)])
    ids = db.session.execute(sa.select(Registration.id).order_by(Registration.id)).scalars().all()
    _insert(Answer, [dict(registration_id=r, question_id=q, value="vegan")
                     for r in ids for q in (diet.id, size.id)])
    _insert(CheckIn, [dict(event_id=event.id, registration_id=r, checkpoint_id=gate.id,
                           scope=f"session:{k}", day_key="all", checked_in_at=at)
                      for r in ids for k in range(10)])
    _insert(ScanLog, [dict(event_id=event.id, checkpoint_id=gate.id, registration_id=r,
                           scanned_at=at, received_at=at, code="ABC", verdict="welcome",
                           source="api", details='{"name": "Anna Nowak"}') for r in ids])
    _insert(OutboxMessage, [dict(event_id=event.id, kind="registration.confirmed",
                                 recipient=f"p{i}@example.org", subject="Confirmed",
                                 body_text=f"Hello Anna Nowak{i}", body_html="<p>Hello</p>",
                                 status=OutboxStatus.SENT, next_attempt_at=at, created_at=at)
                            for i in range(count) for _ in range(3)])
    db.session.commit()
    return event


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    url, drop = create_scratch_database(
        os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        prefix="lsos_bench_anonymise")
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            event_id = _seed(count).id
            db.session.remove()
            event = db.session.get(Event, event_id)
            tracemalloc.start()
            started = time.perf_counter()
            report = anonymise(event, early=True)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            left = db.session.execute(sa.select(sa.func.count()).select_from(Registration)
                                      .where(Registration.anonymised_at.is_(None))).scalar_one()
            assert report.registrations == count and left == 0, (report, left)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"registrations={count} seconds={seconds:.1f} per_s={count / seconds:.0f} "
                  f"peak_mb={peak:.0f} rss_mb={rss:.0f} batches={report.batches} "
                  f"outbox_messages={report.outbox_messages}")
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
