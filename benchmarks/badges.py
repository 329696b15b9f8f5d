"""Badge rendering speed: N badges of the demo event into one PDF, and one badge on its own.

    python benchmarks/badges.py --count 1000 [--out FILE]

Prints two lines:
``badges=1000 seconds=.. badges_per_s=.. peak_mb=.. single_p50_ms=..``
``batch=20 seconds=.. badges_per_s=.. in_process_badges_per_s=.. in_process_cpu_badges_per_s=..
cold_seconds=.. cold_cpu_seconds=..``
``seconds`` runs from the start of rendering (QR codes and worker processes included) to the
PDF on disk; ``peak_mb`` is the largest resident size of this process or any worker;
``single_p50_ms`` is the median of one badge rendered on its own in this (warm) process.
The batch line is a morning's walk-ins: 20 badges in one PDF as a job worker renders them,
over its warm pool of renderer processes (started once, with the worker), median of
``--batch-runs``; ``in_process_badges_per_s`` is the same batch in this warm process alone
(``_cpu_`` divides by its CPU time: the figure on a busy machine), ``cold_seconds`` the batch
first thing in a fresh process (a child, measured first), with its CPU time.
Data: the demo event with demo-like names in a temporary SQLite database.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--out", type=Path, help="Keep the PDF here (default: a temp file).")
    parser.add_argument("--single-runs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=20, help="Badges in the small batch.")
    parser.add_argument("--batch-runs", type=int, default=7)
    parser.add_argument("--cold-batch", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("SECRET_KEY", "benchmark")
        from conference import create_app
        from conference.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                          "UPLOAD_FOLDER": f"{tmp}/uploads"})
        with app.app_context():
            db.create_all()
            registrations = _demo_registrations(max(args.count, args.batch))
            if args.cold_batch:  # the child process of _cold_batch_seconds
                print(*_render_timed(registrations[:args.batch]))
                return
            cold = _cold_batch_seconds(args.batch)
            _run(registrations[:args.count], args.out or Path(tmp) / "badges.pdf",
                 args.single_runs)
            _run_batch(registrations[:args.batch], args.batch_runs, cold,
                       app.config["UPLOAD_FOLDER"])


def _demo_registrations(count: int):
    from conference import demo
    from conference.extensions import db
    from conference.models import BadgeRole, Event, Registration, RegistrationState, TicketType
    from conference.services.badges.core import select_for_badges

    demo.load_demo()
    event = db.session.execute(db.select(Event)).scalars().first()
    rng = random.Random(6)
    ticket_types = [
        TicketType(event=event, name="Conference pass", badge_role=BadgeRole.ATTENDEE),
        TicketType(event=event, name="Speaker", badge_role=BadgeRole.SPEAKER, is_public=False),
        TicketType(event=event, name="Partner", badge_role=BadgeRole.PARTNER, is_public=False),
    ]
    db.session.add_all(ticket_types)
    # The demo's own confirmed registrations, topped up with more people to reach ``count``.
    existing = len(select_for_badges(event))
    for n in range(max(count - existing, 0)):
        first, last = rng.choice(demo.FIRST_NAMES), rng.choice(demo.LAST_NAMES)
        organization, country = rng.choice(demo.ORGANIZATIONS)
        db.session.add(Registration(
            event=event, ticket_type=rng.choices(ticket_types, weights=[85, 10, 5])[0],
            state=RegistrationState.CONFIRMED, first_name=first, last_name=last,
            email=f"person{n}@example.org", organization=organization, country=country,
        ))
    db.session.commit()
    return select_for_badges(event)[:count]


def _run(registrations, out: Path, single_runs: int) -> None:
    from conference.services.badges.core import render_badges

    started = time.perf_counter()
    cpu_before, own_before = _cpu_seconds(), _cpu_seconds(children=False)
    out.write_bytes(render_badges(registrations))
    seconds = time.perf_counter() - started
    cpu, own = _cpu_seconds() - cpu_before, _cpu_seconds(children=False) - own_before

    render_badges(registrations[:1])  # warm-up: stylesheet and fonts, as in a running server
    timings = []
    for registration in registrations[:single_runs]:
        start = time.perf_counter()
        render_badges([registration])
        timings.append(time.perf_counter() - start)

    peak_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(f"badges={len(registrations)} seconds={seconds:.2f} "
          f"badges_per_s={len(registrations) / seconds:.1f} peak_mb={peak_kb / 1024:.0f} "
          f"single_p50_ms={statistics.median(timings) * 1000:.1f}", flush=True)
    # Diagnostics on stderr: CPU time shows the cost even on a machine busy with other work.
    print(f"cpu_seconds={cpu:.2f} of_which_main_process={own:.2f} "
          f"cpu_ms_per_badge={cpu / len(registrations) * 1000:.1f} "
          f"load_average={os.getloadavg()[0]:.1f}", file=sys.stderr)


def _render_timed(registrations) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) to render ``registrations``."""
    from conference.services.badges.core import render_badges

    started, cpu = time.perf_counter(), time.process_time()
    render_badges(registrations)
    return time.perf_counter() - started, time.process_time() - cpu


def _cold_batch_seconds(batch: int) -> tuple[float, float]:
    """The batch rendered first thing in a fresh process (database ready, nothing rendered
    yet): what a worker that was not warmed up pays for its first batch."""
    import subprocess

    out = subprocess.run(
        [sys.executable, __file__, "--count", str(batch), "--batch", str(batch),
         "--cold-batch"], capture_output=True, text=True, check=True)
    wall, cpu = out.stdout.split()[-2:]
    return float(wall), float(cpu)


def _run_batch(registrations, runs: int, cold: tuple[float, float], upload_root: str) -> None:
    from conference.services.badges.pdf import start_warm_pool, stop_warm_pool, warm_up

    warm_up(upload_root)
    in_process = [_render_timed(registrations) for _ in range(runs)]
    start_warm_pool(upload_root)  # as the Celery worker does when it starts
    try:
        wall = statistics.median(_render_timed(registrations)[0] for _ in range(runs))
    finally:
        stop_warm_pool()
    count = len(registrations)
    in_wall = statistics.median(t[0] for t in in_process)
    in_cpu = statistics.median(t[1] for t in in_process)
    print(f"batch={count} seconds={wall:.3f} badges_per_s={count / wall:.1f} "
          f"in_process_badges_per_s={count / in_wall:.1f} "
          f"in_process_cpu_badges_per_s={count / in_cpu:.1f} "
          f"cold_seconds={cold[0]:.2f} cold_cpu_seconds={cold[1]:.2f}", flush=True)


def _cpu_seconds(children: bool = True) -> float:
    usages = [resource.getrusage(resource.RUSAGE_SELF)]
    if children:
        usages.append(resource.getrusage(resource.RUSAGE_CHILDREN))
    return sum(u.ru_utime + u.ru_stime for u in usages)


if __name__ == "__main__":
    main()
