"""The largest public pages: the event page and the programme grid, with many sessions.

Builds an event with S sessions (default 60) in 4 rooms over 2 days, 40 speakers (12
featured, with photos), 10 partners with logos and 4 ticket types, then renders each page
N times (default 200) with the Flask test client as an anonymous visitor and prints, per page:

    page=event db=sqlite sessions=60 p50_ms=.. p99_ms=.. cpu_p50_ms=.. cpu_p99_ms=.. queries=..
    page=programme db=sqlite sessions=60 p50_ms=.. p99_ms=.. cpu_p50_ms=.. cpu_p99_ms=.. queries=..

and the same for 10 sessions, to show the query count does not grow with the programme.
``cpu_`` figures are this process's CPU time per request: on a busy machine (shared cores)
wall-clock time mostly measures the wait for a core, CPU time the page's own cost.
SQLite in a temporary folder by default; ``--database postgresql://...`` (or
TEST_DATABASE_URL) runs it on a throw-away PostgreSQL database next to that URL.

Run: .venv/bin/python benchmarks/public_pages.py [--runs 200] [--database URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conference import create_app  # noqa: E402
from conference.extensions import db  # noqa: E402
from conference.models import (  # noqa: E402
    Event,
    EventStatus,
    Room,
    Session,
    SessionType,
    Speaker,
    TicketType,
    Track,
)
from tests.databases import create_scratch_database  # noqa: E402

WARSAW = ZoneInfo("Europe/Warsaw")


def _png(colour) -> bytes:
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (400, 200), colour).save(output, "PNG")
    return output.getvalue()


def seed(slug: str, sessions: int, speakers: int = 40, partners: int = 10) -> Event:
    """One published event with its programme, speakers, partners and ticket types."""
    from conference.services.cfp.photos import store_photo
    from conference.services.promotion.images import store_hero
    from conference.services.promotion.partners import PartnerFields, save_partner

    event = Event(slug=slug, name={"pl": "Konferencja", "en": "Conference"},
                  pitch={"pl": "Trzy dni nauk o życiu.", "en": "Three days of life science."},
                  starts_on=dt.date(2026, 5, 12), ends_on=dt.date(2026, 5, 13),
                  venue_name="ICE Kraków", venue_address="ul. Marii Konopnickiej 17, Kraków",
                  status=EventStatus.PUBLISHED, capacity=800,
                  hero_filename=store_hero(_png((11, 107, 79))))
    rooms = [Room(event=event, name=f"Room {i}", position=i) for i in range(4)]
    tracks = [Track(event=event, name=f"Track {i}") for i in range(3)]
    db.session.add_all([event, *rooms, *tracks])
    for i, name in enumerate(("Regular", "Student", "Academic", "Industry")):
        db.session.add(TicketType(event=event, name=name, price=Decimal(100 * i),
                                  capacity=200, includes="Lunch, coffee, materials",
                                  position=i))
    photo = store_photo(_png((200, 30, 60)))
    people = [Speaker(event=event, name=f"Speaker {i}", email=f"s{i}@example.org",
                      affiliation="Jagiellonian University", is_invited=True,
                      is_featured=i < 12, photo_filename=photo)
              for i in range(speakers)]
    db.session.add_all(people)
    for i in range(sessions):
        day = event.starts_on + dt.timedelta(days=(i // 4) % 2)
        slot = (i // 8) % 8
        start = dt.datetime.combine(day, dt.time(9 + slot), tzinfo=WARSAW)
        db.session.add(Session(
            event=event, title=f"Session {i}", abstract="An **abstract**.",
            session_type=SessionType.KEYNOTE if i % 15 == 0 else SessionType.TALK,
            room=rooms[i % 4], track=tracks[i % 3], starts_at=start,
            ends_at=start + dt.timedelta(minutes=45),
            speakers=[people[i % speakers], people[(i + 7) % speakers]],
            is_highlight=i % 10 == 0))
    db.session.flush()
    for i in range(partners):
        save_partner(event, None, PartnerFields(name=f"Partner {i}", url="https://example.org",
                                                logo=_png((i * 20, 90, 140))))
    db.session.commit()
    return event


def measure(app, client, url: str, runs: int) -> dict:
    """p50/p99 milliseconds of ``runs`` requests after a warm-up, and queries per request."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, url
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            client.get(url)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
    return {"p50_ms": statistics.median(timings), "p99_ms": _p99(timings),
            "cpu_p50_ms": statistics.median(cpu), "cpu_p99_ms": _p99(cpu),
            "queries": len(statements)}


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--database", default=os.environ.get("TEST_DATABASE_URL"),
                        help="PostgreSQL URL next to which a scratch database is made.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        drop = None
        if args.database:
            url, drop = create_scratch_database(args.database, prefix="lsos_bench_public")
        else:
            url = f"sqlite:///{tmp}/bench.sqlite"
        try:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                              "UPLOAD_FOLDER": f"{tmp}/uploads", "RATELIMIT_ENABLED": False})
            with app.app_context():
                db.create_all()
                seed("small", 10)
                seed("large", args.sessions)
                db.session.remove()
            client = app.test_client()
            backend = "postgresql" if args.database else "sqlite"
            for page, path in (("event", "/e/{slug}/?lang=en"),
                               ("programme", "/e/{slug}/programme?lang=en")):
                for slug, count in (("small", 10), ("large", args.sessions)):
                    figures = measure(app, client, path.format(slug=slug), args.runs)
                    print(f"page={page} db={backend} sessions={count} "
                          f"p50_ms={figures['p50_ms']:.1f} p99_ms={figures['p99_ms']:.1f} "
                          f"cpu_p50_ms={figures['cpu_p50_ms']:.1f} "
                          f"cpu_p99_ms={figures['cpu_p99_ms']:.1f} "
                          f"queries={figures['queries']}", flush=True)
        finally:
            if drop is not None:
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
                drop()


if __name__ == "__main__":
    main()
