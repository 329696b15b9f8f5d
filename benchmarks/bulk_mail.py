"""Bulk email: 5,000 recipients queued, then delivered to a local SMTP server by two workers.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bulk_mail.py [--recipients 5000 --workers 2]
    .venv/bin/python benchmarks/bulk_mail.py --database sqlite

Prints one line: ``recipients=.. queued_s=.. delivered_s=.. per_s=.. duplicates=.. lost=..``.
``queued_s`` is the bulk message from the organizer's "send" to every outbox row written
(recipient selection, rendering per language and person, bulk INSERTs: the job's work);
``delivered_s`` runs from the workers' start until the last row is sent, ``per_s`` is
recipients / delivered_s. Each worker is a process with its own app and database connection
running ``deliver_pending`` in a loop, as ``flask mail worker`` does. The SMTP server
(aiosmtpd, in this process) counts each message by its ``X-Outbox-Id`` header: ``duplicates``
are messages received more than once, ``lost`` rows never received. The rate is set to the
most allowed (the rows are spread over 3 s) so that the workers, not the throttle, are timed.
Targets: queued_s < 5, per_s >= 200, duplicates=0 lost=0.
A second line says how busy the machine was (``loadavg_1m``, ``cpus``) and the workers' CPU
time per message (startup included): on a shared machine ``per_s`` measures the share of
CPU the workers got; ``workers * 1000 / worker_cpu_ms_per_message`` is what the same
workers reach when CPU is not the limit (the database and SMTP round trips then are).
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.databases import create_scratch_database  # noqa: E402


class Counter:
    """An aiosmtpd handler counting messages by outbox id."""

    def __init__(self):
        self.seen: collections.Counter = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        for line in envelope.content.split(b"\r\n"):
            if line.startswith(b"X-Outbox-Id:"):
                with self.lock:
                    self.seen[int(line.split(b":", 1)[1])] += 1
                break
        return "250 OK"


def _config(url: str, port: int, tmp: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
            "MAIL_SUPPRESS_SEND": False, "BASE_URL": "https://lsos.example",
            "UPLOAD_FOLDER": f"{tmp}/uploads", "JOB_RESULT_FOLDER": f"{tmp}/jobs",
            "CELERY_BROKER_URL": "", "JOBS_IN_PROCESS": "eager"}


def worker(config: dict, stop_at: float, cpu_times) -> None:
    """A mail worker: deliver due messages until none is left (or time runs out); puts
    its CPU seconds on ``cpu_times``."""
    try:
        _deliver_all(config, stop_at)
    finally:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_times.put(usage.ru_utime + usage.ru_stime)


def _deliver_all(config: dict, stop_at: float) -> None:
    from conference import create_app
    from conference.extensions import db
    from conference.models import OutboxMessage, OutboxStatus
    from conference.services.messaging.outbox import deliver_pending

    app = create_app(config)
    with app.app_context():
        while time.monotonic() < stop_at:
            report = deliver_pending(limit=200)
            if not (report.sent or report.deferred or report.failed):
                left = db.session.execute(db.select(db.func.count()).where(
                    OutboxMessage.status == OutboxStatus.PENDING)).scalar_one()
                db.session.commit()
                if not left:
                    return
                time.sleep(0.01)


def seed(count: int):
    import datetime as dt

    import sqlalchemy as sa

    from conference.extensions import db
    from conference.models import Event, Registration, RegistrationState, Role, TicketType, User
    from conference.models.registrations import new_ticket_code, new_token

    event = Event(slug="bench", name={"pl": "Otwarta Przestrzeń", "en": "Open Space"},
                  starts_on=dt.date(2027, 5, 12), ends_on=dt.date(2027, 5, 13),
                  language="pl", languages="pl,en")
    ticket = TicketType(event=event, name="Standard", price=0)
    organizer = User(email="boss@example.org", name="Boss", role=Role.ORGANIZER,
                     password_hash="!")  # noqa: S106 - no login: an unusable hash
    db.session.add_all([event, ticket, organizer])
    db.session.flush()
    db.session.execute(sa.insert(Registration), [
        {"event_id": event.id, "ticket_type_id": ticket.id,
         "state": RegistrationState.CONFIRMED, "first_name": f"Person{n}",
         "last_name": "Bench", "email": f"person{n}@example.org",
         "locale": "pl" if n % 2 else "en", "token": new_token(),
         "ticket_code": new_ticket_code(), "search_key": f"person{n}"}
        for n in range(count)])
    db.session.commit()
    return event, organizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL URL (a scratch database is made in it), or 'sqlite'")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "benchmark")

    from aiosmtpd.controller import Controller

    from conference import create_app
    from conference.content import LocalizedText
    from conference.extensions import db
    from conference.models import OutboxMessage
    from conference.services.jobs.core import run_job
    from conference.services.messaging.bulk import (
        MAX_PER_MINUTE,
        queue_bulk_message,
        run_bulk_job,
    )
    from conference.services.messaging.recipients import Audience
    from tests.fixtures.smtp import free_port

    with tempfile.TemporaryDirectory() as tmp:
        if args.database == "sqlite":
            url, drop = f"sqlite:///{tmp}/bench.sqlite", (lambda: None)
        else:
            url, drop = create_scratch_database(args.database, prefix="lsos_bench")
        handler = Counter()
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        config = _config(url, port, tmp)
        try:
            app = create_app(config)
            with app.app_context():
                db.create_all()
                event, organizer = seed(args.recipients)
                started = time.perf_counter()
                message, job = queue_bulk_message(
                    event, subject=LocalizedText({"pl": "Zmiana sali", "en": "Room change"}),
                    body=LocalizedText({"pl": "Cześć {first_name}, [strona]({private_link})",
                                        "en": "Hello {first_name}, [page]({private_link})"}),
                    audience=Audience(), user=organizer, per_minute=MAX_PER_MINUTE)
                db.session.commit()
                run_job(job.id, run_bulk_job)
                queued_s = time.perf_counter() - started
                rows = db.session.execute(db.select(db.func.count()).where(
                    OutboxMessage.bulk_message_id == message.id)).scalar_one()
                assert rows == args.recipients, rows
                db.session.remove()
                db.engine.dispose()

            context = multiprocessing.get_context("spawn")
            stop_at = time.monotonic() + 600
            cpu_times = context.Queue()
            processes = [context.Process(target=worker, args=(config, stop_at, cpu_times))
                         for _ in range(args.workers)]
            started = time.perf_counter()
            for process in processes:
                process.start()
            for process in processes:
                process.join()
            delivered_s = time.perf_counter() - started
            worker_cpu_s = sum(cpu_times.get(timeout=10) for _ in processes)
        finally:
            controller.stop()
            drop()
    with handler.lock:
        received = dict(handler.seen)
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    lost = args.recipients - len(received)
    print(f"recipients={args.recipients} queued_s={queued_s:.2f} "
          f"delivered_s={delivered_s:.2f} per_s={args.recipients / delivered_s:.0f} "
          f"duplicates={duplicates} lost={lost}")
    print(f"load: loadavg_1m={os.getloadavg()[0]:.1f} cpus={os.cpu_count()} "
          f"worker_cpu_ms_per_message={1000 * worker_cpu_s / args.recipients:.2f}")


if __name__ == "__main__":
    main()
