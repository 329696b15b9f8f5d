"""Check-in under load: gunicorn + PostgreSQL on loopback.

(a) Throughput: 5,000 scans (new, repeated and invalid codes mixed) from 16 concurrent
    scanners as fast as they go, then the same client against a bare endpoint of the same
    server (benchmarks/checkin_app.py).
(b) Latency: scans sent at a steady 100 per second for 20 seconds (open loop; latency is
    counted from the scheduled send time, so a stalled server cannot hide its queue).

Prints one line: ``scans=.. per_s=.. bare_per_s=.. p50_ms=.. p99_ms=.. errors=..
double_entries=..`` (latencies from (b)). Targets: double_entries=0 errors=0, p99 < 25 ms,
per_s >= bare_per_s / 2.

A second line, ``reference: write_per_s=..``, runs the same client against an endpoint that
is ``bare`` plus one committed INSERT through the application's database session (the
least a durably logged scan costs), so the gap between per_s and bare_per_s can be read
against what a single database write already takes on this machine.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/checkin_load.py [--workers 4 --threads 2]
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.databases import create_scratch_database  # noqa: E402

SCANNERS = 16
THROUGHPUT_SCANS = 5_000
RATE = 100
DURATION = 20
PASSWORD = "bench-password-2026"  # noqa: S105 - throwaway account of a throwaway database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    # Two processes per core with two threads each: CPU-bound Python scales by processes.
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--database", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--async-commit", action="store_true",
                        help="serve with synchronous_commit=off (a crash of PostgreSQL may "
                             "lose the last fraction of a second of scans)")
    args = parser.parse_args()

    url, drop = create_scratch_database(args.database, prefix="lsos_bench")
    server_url = url + ("?options=-c%20synchronous_commit%3Doff" if args.async_commit else "")
    server = None
    try:
        seed = seed_database(url)
        port = free_port()
        server = start_gunicorn(server_url, port, args.workers, args.threads, seed["event_id"])
        session = Session(port)
        session.login(seed["email"])
        session.csrf = session.page_token(f"/checkin/{seed['slug']}/{seed['checkpoint']}")

        warm = [(c, "new") for c in seed["warm"]]
        run_closed_loop(session, seed, warm, "/checkin/api/{slug}/scan")  # warm both paths
        run_closed_loop(session, seed, warm[:200], "/bench/bare")
        run_closed_loop(session, seed, warm[:200], "/bench/write")

        mix = scan_mix(seed["throughput"], THROUGHPUT_SCANS)
        scans = run_closed_loop(session, seed, mix, "/checkin/api/{slug}/scan")
        bare = run_closed_loop(session, seed, mix, "/bench/bare")
        write = run_closed_loop(session, seed, mix, "/bench/write")
        steady_mix = scan_mix(seed["steady"], RATE * DURATION)
        steady = run_open_loop(session, seed, steady_mix)

        double = double_entries(url, scans["welcomes"], steady["welcomes"])
        latencies = sorted(steady["latencies"])
        errors = scans["errors"] + steady["errors"] + bare["errors"] + write["errors"]
        print(
            f"scans={scans['count'] + steady['count']} per_s={scans['per_s']:.0f} "
            f"bare_per_s={bare['per_s']:.0f} p50_ms={percentile(latencies, 50):.1f} "
            f"p99_ms={percentile(latencies, 99):.1f} errors={errors} double_entries={double}"
        )
        print(f"reference: write_per_s={write['per_s']:.0f} "
              f"write_share={write['per_s'] / bare['per_s']:.2f} "
              f"scan_share={scans['per_s'] / bare['per_s']:.2f}")
        if scans["problems"] or steady["problems"]:
            print("problems:", (scans["problems"] + steady["problems"])[:5], file=sys.stderr)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        drop()


# ---- Database ----------------------------------------------------------------------------


def seed_database(url: str) -> dict:
    """Schema by migrations; an event, a door account, a gate, 9,000 registrations."""
    import datetime as dt

    from flask_migrate import upgrade

    from conference import create_app
    from conference.extensions import db
    from conference.models import (
        Checkpoint,
        Event,
        EventStatus,
        Registration,
        RegistrationState,
        Role,
        TicketType,
        User,
    )
    from conference.models.registrations import new_ticket_code, new_token

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        today = dt.date.today()
        event = Event(slug="bench", name="Benchmark", starts_on=today, ends_on=today,
                      status=EventStatus.PUBLISHED)
        ticket = TicketType(event=event, name="Full pass", capacity=None)
        user = User(email="door@bench.example", name="Door", role=Role.DOOR)
        user.set_password(PASSWORD)
        user.events = [event]
        checkpoint = Checkpoint(event=event, name="Gate 1")
        db.session.add_all([event, ticket, user, checkpoint])
        db.session.flush()
        codes = [new_ticket_code() for _ in range(9_000)]
        db.session.execute(sa.insert(Registration), [
            {"event_id": event.id, "ticket_type_id": ticket.id,
             "state": RegistrationState.CONFIRMED, "first_name": "Person", "last_name": str(i),
             "email": f"p{i}@bench.example", "token": new_token(), "ticket_code": code}
            for i, code in enumerate(codes)
        ])
        db.session.commit()
        seed = {"slug": event.slug, "event_id": event.id, "checkpoint": checkpoint.id,
                "email": user.email,
                "warm": codes[:300], "throughput": codes[300:5_300], "steady": codes[5_300:]}
        db.engine.dispose()
    return seed


def double_entries(url: str, *welcomes: collections.Counter) -> int:
    """Badges welcomed twice by the clients, plus duplicate rows in the database."""
    told_twice = sum(1 for counter in welcomes for n in counter.values() if n > 1)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT count(*) FROM (SELECT registration_id FROM check_in "
            "GROUP BY registration_id, scope, day_key HAVING count(*) > 1) d")).scalar()
    engine.dispose()
    return told_twice + rows


# ---- Server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, threads: int, event_id: int
                   ) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-" + uuid.uuid4().hex,
               BENCH_EVENT_ID=str(event_id),
               APP_ENV="development", PYTHONPATH=str(ROOT),
               INSTANCE_PATH=tempfile.mkdtemp(prefix="lsos-bench-"))
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads",
               str(threads), "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "--keep-alive", "30", "benchmarks.checkin_app:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


# ---- Client ------------------------------------------------------------------------------


class Session:
    """A logged-in browser session shared by the simulated scanners (one door account)."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""
        self.csrf = ""

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def _request(self, method, path, body=None, headers=None):
        conn = self.connection()
        conn.request(method, path, body=body, headers={"Cookie": self.cookie, **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        conn.close()
        return response.status, data.decode()

    def page_token(self, path: str) -> str:
        status, html = self._request("GET", path)
        match = re.search(r'(?:name="csrf_token"[^>]*value|data-csrf)="([^"]+)"', html)
        if status != 200 or not match:
            raise SystemExit(f"no CSRF token on {path} ({status})")
        return match.group(1)

    def login(self, email: str) -> None:
        token = self.page_token("/login")
        body = f"csrf_token={token}&email={email}&password={PASSWORD}"
        status, _ = self._request("POST", "/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise SystemExit(f"login failed ({status})")

    def headers(self) -> dict:
        return {"Cookie": self.cookie, "X-CSRFToken": self.csrf,
                "Content-Type": "application/json", "Accept": "application/json"}


def scan_mix(fresh: list[str], total: int, seed: int = 7) -> list[tuple[str, str]]:
    """About 70 % first scans, 20 % repeats of earlier badges, 10 % invalid codes."""
    rng = random.Random(seed)
    mix, used = [], []
    fresh = list(fresh)
    for _ in range(total):
        roll = rng.random()
        if roll < 0.7 and fresh:
            code = fresh.pop()
            used.append(code)
            mix.append((code, "new"))
        elif roll < 0.9 and used:
            mix.append((rng.choice(used), "repeat"))
        elif roll < 0.95:
            mix.append(("".join(rng.choice("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
                                for _ in range(18)), "unknown"))
        else:
            mix.append((rng.choice(["", "garbage!", "x" * 60, "' OR 1=1 --"]), "malformed"))
    return mix


#: A repeat may overtake its first scan on another scanner, so both kinds may get either;
#: ``missing_welcomes`` checks afterwards that every badge got in exactly once.
EXPECTED = {"new": {"welcome", "already_checked_in"},
            "repeat": {"welcome", "already_checked_in"},
            "unknown": {"unknown_code"}, "malformed": {"malformed"}, "bare": {"bare"}}


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.errors = 0
        self.problems: list[str] = []
        self.latencies: list[float] = []
        self.welcomes: collections.Counter = collections.Counter()

    def record(self, code, kind, status, body, latency):
        with self.lock:
            self.latencies.append(latency)
            if status != 200:
                self.errors += 1
                self.problems.append(f"{status} {body[:100]}")
                return
            verdict = json.loads(body)["verdict"]["code"]
            expected = EXPECTED["bare" if verdict == "bare" else kind]
            if verdict not in expected:
                self.errors += 1
                self.problems.append(f"{kind} {code[:20]} -> {verdict}")
            if verdict == "welcome":
                self.welcomes[code] += 1


def send(conn, session, path, code):
    body = json.dumps({"code": code, "nonce": uuid.uuid4().hex, "checkpoint": session.checkpoint})
    conn.request("POST", path, body=body, headers=session.headers())
    response = conn.getresponse()
    return response.status, response.read().decode()


def run_closed_loop(session, seed, mix, path_template) -> dict:
    """16 scanners, each sending its next scan as soon as the previous verdict is in."""
    session.checkpoint = seed["checkpoint"]
    path = path_template.format(slug=seed["slug"])
    results = Results()
    queue = collections.deque(mix)
    lock = threading.Lock()

    def scanner():
        conn = session.connection()
        while True:
            with lock:
                if not queue:
                    break
                code, kind = queue.popleft()
            start = time.perf_counter()
            try:
                status, body = send(conn, session, path, code)
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = session.connection()
                status, body = 0, repr(error)
            results.record(code, kind, status, body, time.perf_counter() - start)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=scanner) for _ in range(SCANNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if not path.startswith("/bench/"):
        results.errors += missing_welcomes(mix, results)
    return {"count": len(mix), "per_s": len(mix) / elapsed, "errors": results.errors,
            "problems": results.problems, "welcomes": results.welcomes,
            "latencies": results.latencies}


def run_open_loop(session, seed, mix) -> dict:
    """Scans scheduled every 1/RATE s whatever the server does; latency from the schedule."""
    path = f"/checkin/api/{seed['slug']}/scan"
    results = Results()
    start = time.perf_counter() + 0.2
    schedule = collections.deque(
        (start + i / RATE, code, kind) for i, (code, kind) in enumerate(mix))
    lock = threading.Lock()

    def sender():
        conn = session.connection()
        while True:
            with lock:
                if not schedule:
                    break
                due, code, kind = schedule.popleft()
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                status, body = send(conn, session, path, code)
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = session.connection()
                status, body = 0, repr(error)
            results.record(code, kind, status, body, time.perf_counter() - due)
        conn.close()

    threads = [threading.Thread(target=sender) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.errors += missing_welcomes(mix, results)
    return {"count": len(mix), "errors": results.errors, "problems": results.problems,
            "welcomes": results.welcomes, "latencies": results.latencies}


def missing_welcomes(mix, results) -> int:
    """Valid badges that were never let in (each was scanned at least once)."""
    valid = {code for code, kind in mix if kind == "new"}
    missing = valid - set(results.welcomes)
    results.problems.extend(f"never welcomed {code}" for code in list(missing)[:5])
    return len(missing)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))
    return values[index] * 1000


if __name__ == "__main__":
    main()
