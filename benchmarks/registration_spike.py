"""A registration spike: 500 sign-ups from 50 concurrent clients for 300 seats.

Creates a fresh PostgreSQL database, loads the schema (Alembic) and one event with a
300-seat ticket type, starts the app under gunicorn with rate limits off, then runs 50
clients. Each client keeps its own cookie session and, for every registration, loads the
form (for its CSRF token) and posts it, as a browser does. Prints one line:

    confirmed=.. waitlisted=.. oversold=.. errors=.. req_per_s=.. p99_ms=..

``req_per_s`` counts completed registrations (form load + post) per second of wall time;
``p99_ms`` is the 99th percentile of the registration POST. Usage:

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        /work/main/.venv/bin/python benchmarks/registration_spike.py [--workers 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.databases import create_scratch_database  # noqa: E402

SEATS = 300
REGISTRATIONS = 500
CLIENTS = 50
SLUG = "spike"
CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                          r'name="csrf_token" value="([^"]+)"')


def prepare(url: str) -> int:
    """Schema through the migrations, one published event and its 300-seat ticket type."""
    from flask_migrate import upgrade

    from conference import create_app
    from conference.extensions import db
    from conference.models import Event, EventStatus, TicketType

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        today = dt.date.today()
        event = Event(slug=SLUG, name="Spike Test", starts_on=today + dt.timedelta(days=30),
                      ends_on=today + dt.timedelta(days=31), status=EventStatus.PUBLISHED)
        ticket_type = TicketType(event=event, name="Standard", capacity=SEATS, price=250)
        db.session.add_all([event, ticket_type])
        db.session.commit()
        ticket_type_id = ticket_type.id
        db.engine.dispose()
    return ticket_type_id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = dict(os.environ, DATABASE_URL=url, RATELIMIT_ENABLED="false",
               SECRET_KEY=uuid.uuid4().hex, BASE_URL=f"http://127.0.0.1:{port}",
               PROXY_FIX_HOPS="0")
    process = subprocess.Popen(
        [str(gunicorn), "--workers", str(workers), "--threads", str(threads),
         "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _letters(n: int) -> str:
    """A number spelled in letters (names may not contain digits): 27 -> "Bb"."""
    word = ""
    while True:
        n, digit = divmod(n, 26)
        word += chr(ord("a") + digit)
        if not n:
            return word.capitalize()


def _first_error(page: str) -> str:
    match = re.search(r'class="errors"[^>]*>\s*<li>([^<]*)', page)
    return match.group(1) if match else page[:200]


def run_clients(base: str, ticket_type_id: int) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(REGISTRATIONS))

    def client(client_no: int) -> None:
        nonlocal errors
        session = requests.Session()
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            try:
                page = session.get(f"{base}/e/{SLUG}/register", timeout=60)
                match = CSRF_PATTERN.search(page.text)
                if page.status_code != 200 or match is None:
                    raise RuntimeError(f"form page {page.status_code}")
                token = match.group(1) or match.group(2)
                started = time.perf_counter()
                response = session.post(f"{base}/e/{SLUG}/register", allow_redirects=False,
                                        timeout=60, data={
                    "csrf_token": token, "ticket_type": str(ticket_type_id),
                    "first_name": "Łucja", "last_name": f"Spike-{_letters(n)}",
                    "email": f"spike{n}@example.org", "organization": "Benchmark Lab",
                    "country": "PL", "privacy_consent": "y", "join_waitlist": "y",
                })
                elapsed = time.perf_counter() - started
                if response.status_code != 302 or "/r/" not in response.headers.get(
                        "Location", ""):
                    raise RuntimeError(f"register {response.status_code} "
                                       f"{_first_error(response.text)}")
                with lock:
                    latencies.append(elapsed)
            except Exception as error:  # noqa: BLE001 - counted and reported
                with lock:
                    errors += 1
                print(f"client {client_no}: {error}", file=sys.stderr)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(client, range(CLIENTS)))
    return latencies, errors, time.perf_counter() - started


def count_states(url: str, ticket_type_id: int) -> dict[str, int]:
    engine = sa.create_engine(sa.engine.make_url(url))
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT state, count(*) FROM registration WHERE ticket_type_id = :id GROUP BY state"
        ), {"id": ticket_type_id}).all()
    engine.dispose()
    return dict(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    base_url = os.environ.get("BENCH_DATABASE_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
    url, drop = create_scratch_database(base_url, prefix="lsos_bench")
    process = None
    try:
        ticket_type_id = prepare(url)
        port = free_port()
        process = start_gunicorn(url, port, args.workers, args.threads)
        latencies, errors, elapsed = run_clients(f"http://127.0.0.1:{port}", ticket_type_id)
    finally:
        if process is not None:
            stop(process)
    try:
        states = count_states(url, ticket_type_id)
    finally:
        drop()
    confirmed = states.get("confirmed", 0)
    held = confirmed + states.get("pending", 0)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies \
        else 0.0
    print(f"confirmed={confirmed} waitlisted={states.get('waitlisted', 0)} "
          f"oversold={max(held - SEATS, 0)} errors={errors} "
          f"req_per_s={len(latencies) / elapsed:.1f} p99_ms={p99:.0f}")


if __name__ == "__main__":
    main()
