"""The partnering scheduler at brokerage-event size, through the placement service.

400 participants, 3,000 accepted meeting requests between random pairs (seeded), two
partnering windows of 3 h cut into 20-minute slots (18 slots), 60 tables; a quarter of the
people marked 1-4 slots unavailable and a fifth starred a 40-minute programme session
overlapping the first window. Runs ``placement.run_schedule`` (loads the data, runs the
CP-SAT model with the configured time limit on 2 workers, saves the placements) and prints

    requests=.. scheduled=.. unplaced=.. seconds=.. upper_bound=.. share_of_bound=..
    solver_seconds=.. status=..

``seconds`` is the whole service call (load, solve, save); ``upper_bound`` a bound no
schedule can beat (see ``scheduler.upper_bound``). The saved schedule is checked by the
tests' independent validator before printing.

Run: .venv/bin/python benchmarks/partnering.py [--postgres] [--seconds 20] [--seed 17]
     [--tables 60]
(--postgres: a throw-away database next to TEST_DATABASE_URL; default: SQLite in a temp dir)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conference import create_app  # noqa: E402
from conference.extensions import db  # noqa: E402
from conference.models import (  # noqa: E402
    Event,
    EventStatus,
    MeetingRequest,
    PartneringProfile,
    PartneringSettings,
    PartneringUnavailability,
    Registration,
    RegistrationState,
    RequestState,
    Session,
    StarredSession,
    TicketType,
)
from conference.models.registrations import new_ticket_code, new_token  # noqa: E402

PEOPLE, REQUESTS = 400, 3000


def _seed(rng: random.Random, tables: int) -> Event:
    from conference.services.partnering.windows import WindowFields, save_window

    event = Event(slug="bench", name="Bench", starts_on=dt.date(2026, 5, 12),
                  ends_on=dt.date(2026, 5, 13), status=EventStatus.PUBLISHED)
    ticket = TicketType(event=event, name="Pass", capacity=None)
    db.session.add_all([event, ticket])
    db.session.flush()
    db.session.add(PartneringSettings(event_id=event.id, enabled=True, slot_minutes=20,
                                      table_count=tables))
    db.session.flush()
    for day, start, end in ((dt.date(2026, 5, 12), "10:00", "13:00"),
                            (dt.date(2026, 5, 13), "14:00", "17:00")):
        save_window(None, event, WindowFields(name="Brokerage", day=day,
                                              start=dt.time.fromisoformat(start),
                                              end=dt.time.fromisoformat(end)))
    now = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    db.session.execute(sa.insert(Registration), [dict(
        event_id=event.id, ticket_type_id=ticket.id, state=RegistrationState.CONFIRMED,
        first_name=f"P{i}", last_name="Bench", email=f"p{i}@example.org", country="PL",
        locale="en", token=new_token(), ticket_code=new_ticket_code(), created_at=now,
        state_changed_at=now, privacy_policy_version="1") for i in range(PEOPLE)])
    registrations = db.session.execute(sa.select(Registration.id)).scalars().all()
    db.session.execute(sa.insert(PartneringProfile), [dict(
        event_id=event.id, registration_id=r, country="PL", joined_at=now)
        for r in registrations])
    profiles = db.session.execute(sa.select(PartneringProfile.id)).scalars().all()
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < REQUESTS:
        a, b = rng.sample(profiles, 2)
        pairs.add((min(a, b), max(a, b)))
    db.session.execute(sa.insert(MeetingRequest), [dict(
        event_id=event.id, requester_id=a, recipient_id=b, pair_low=a, pair_high=b,
        state=RequestState.ACCEPTED, created_at=now, answered_at=now) for a, b in pairs])
    slot_ids = [s.id for w in event_windows(event) for s in w.slots]
    db.session.execute(sa.insert(PartneringUnavailability), [
        dict(profile_id=p, slot_id=s) for p in profiles if rng.random() < 0.25
        for s in rng.sample(slot_ids, rng.randint(1, 4))])
    talk = Session(event=event, title="Keynote",
                   starts_at=dt.datetime(2026, 5, 12, 8, 30, tzinfo=dt.UTC),
                   ends_at=dt.datetime(2026, 5, 12, 9, 10, tzinfo=dt.UTC))
    db.session.add(talk)
    db.session.flush()
    db.session.execute(sa.insert(StarredSession), [
        dict(registration_id=r, session_id=talk.id, created_at=now)
        for r in registrations if rng.random() < 0.2])
    db.session.commit()
    return event


def event_windows(event: Event):
    from conference.services.partnering.windows import windows_of

    return windows_of(event)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seconds", type=float, default=20.0, help="solver time limit")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--tables", type=int, default=60,
                        help="more tables make people, not tables, the limit (harder)")
    args = parser.parse_args()

    drop = None
    tmp = tempfile.TemporaryDirectory()
    if args.postgres:
        from tests.databases import create_scratch_database

        url, drop = create_scratch_database(
            os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
            prefix="lsos_bench_partnering")
    else:
        url = f"sqlite:///{tmp.name}/bench.sqlite"
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "PARTNERING_SOLVER_SECONDS": args.seconds,
                          "PARTNERING_SOLVER_WORKERS": 2})
        with app.app_context():
            db.create_all()
            event = _seed(random.Random(args.seed), args.tables)
            _run(event)
            db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()
        tmp.cleanup()


def _run(event: Event) -> None:
    from conference.services.partnering.placement import build_problem, meetings_of
    from conference.services.partnering.scheduler import Schedule
    from conference.services.partnering.windows import settings_of, slots_of
    from tests.partnering_validator import schedule_errors

    started = time.perf_counter()
    result = run_schedule_now(event)
    db.session.commit()
    seconds = time.perf_counter() - started

    meetings = meetings_of(event)
    saved = Schedule(placements={m.id: (m.slot_id, m.table_number) for m in meetings
                                 if m.slot_id is not None},
                     unplaced={m.id: m.unplaced_reason for m in meetings if m.slot_id is None},
                     upper_bound=result.upper_bound, status=result.status, seconds=seconds)
    problem = build_problem(event, settings_of(event), meetings, slots_of(event))
    errors = schedule_errors(problem, saved)
    assert not errors, errors[:5]
    share = len(saved.placements) / result.upper_bound if result.upper_bound else 1.0
    print(f"requests={len(meetings)} scheduled={len(saved.placements)} "
          f"unplaced={len(saved.unplaced)} seconds={seconds:.1f} "
          f"upper_bound={result.upper_bound} share_of_bound={share:.3f} "
          f"solver_seconds={result.seconds:.1f} status={result.status}")


def run_schedule_now(event: Event):
    from conference.services.partnering.placement import run_schedule

    return run_schedule(event)


if __name__ == "__main__":
    main()
