"""Certificate speed: releasing N certificates (attendance read from check-ins) and the
ZIP of their PDFs, and one certificate PDF on its own.

    python benchmarks/certificates.py --count 100

Prints ``certificates=N release_seconds=.. zip_seconds=.. zip_per_s=.. zip_mb=..
single_p50_ms=..``. ``release_seconds`` reads every check-in and issues every certificate
(the release job's work); ``zip_seconds`` renders every PDF in its attendee's language into
one ZIP (the ZIP job's work); ``single_p50_ms`` is the median of one attendee's download in a
warm process. Data: the demo event topped up with demo-like names, each checked in through
the check-in service on one or two days, in a temporary SQLite database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--single-runs", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("SECRET_KEY", "benchmark")
        from conference import create_app
        from conference.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                          "UPLOAD_FOLDER": f"{tmp}/uploads",
                          "JOB_RESULT_FOLDER": f"{tmp}/results"})
        with app.app_context():
            db.create_all()
            event = _checked_in_event(args.count)
            _run(event, args.single_runs)


def _checked_in_event(count: int):
    from conference import demo
    from conference.extensions import db
    from conference.models import (
        CheckinRule,
        Checkpoint,
        Event,
        Registration,
        RegistrationState,
        TicketType,
    )
    from conference.services.checkin.core import check_in

    demo.load_demo()
    event = db.session.execute(db.select(Event)).scalars().first()
    event.checkin_rule = CheckinRule.DAILY
    rng = random.Random(13)
    ticket_type = TicketType(event=event, name="Conference pass")
    gate = Checkpoint(event=event, name="Gate")
    db.session.add_all([ticket_type, gate])
    for n in range(count):
        first, last = rng.choice(demo.FIRST_NAMES), rng.choice(demo.LAST_NAMES)
        organization, country = rng.choice(demo.ORGANIZATIONS)
        db.session.add(Registration(
            event=event, ticket_type=ticket_type, state=RegistrationState.CONFIRMED,
            first_name=first, last_name=last, email=f"cert{n}@example.org",
            organization=organization, country=country, locale=rng.choice(["pl", "en"])))
    db.session.commit()
    people = db.session.execute(db.select(Registration).filter_by(
        event_id=event.id, ticket_type_id=ticket_type.id)).scalars().all()
    for n, person in enumerate(people):
        for day in event.days[:rng.choice([1, 2])]:
            when = dt.datetime.combine(day, dt.time(9, 0), tzinfo=event.tz).astimezone(dt.UTC)
            check_in(event, gate, person.ticket_code, user=None, nonce=f"bench-{n}-{day}",
                     scanned_at=when, now=when)
    db.session.commit()
    return event


def _run(event, single_runs: int) -> None:
    from conference.extensions import db
    from conference.models import User
    from conference.services.certificates.issuing import release_certificates
    from conference.services.certificates.pdf import render_certificate
    from conference.services.certificates.runs import build_zip, start_zip

    started = time.perf_counter()
    issued = release_certificates(event)
    db.session.commit()
    release_seconds = time.perf_counter() - started

    render_certificate(issued[0])  # warm: WeasyPrint, fonts
    single = []
    for certificate in issued[:single_runs]:
        started = time.perf_counter()
        render_certificate(certificate)
        single.append((time.perf_counter() - started) * 1000)

    job, _ = start_zip(event, user=db.session.execute(db.select(User)).scalars().first())
    db.session.commit()
    started = time.perf_counter()
    result = build_zip(job, lambda done, total=None: None)
    zip_seconds = time.perf_counter() - started
    print(f"certificates={len(issued)} release_seconds={release_seconds:.2f} "
          f"zip_seconds={zip_seconds:.1f} zip_per_s={len(issued) / zip_seconds:.1f} "
          f"zip_mb={result.path.stat().st_size / 1e6:.1f} "
          f"single_p50_ms={statistics.median(single):.0f}")


if __name__ == "__main__":
    main()
