"""Registrations list and exports with many registrations, on PostgreSQL.

Creates a throw-away database next to TEST_DATABASE_URL (default: local postgres), seeds
one event with N registrations (default 5000) and 3 questions answered by everyone, then
times the organizer's pages through the Flask test client and prints one line:

    registrations=.. list_ms=.. search_ms=.. last_page_ms=.. sorted_ms=.. csv_ms=..
    xlsx_ms=.. dashboard_ms=.. queries_per_list=..   (all on one line)

Run: /work/main/.venv/bin/python benchmarks/regadmin_list.py [N]
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conference import create_app  # noqa: E402
from conference.extensions import db  # noqa: E402
from conference.models import (  # noqa: E402
    Answer,
    Event,
    EventStatus,
    Question,
    QuestionKind,
    Registration,
    RegistrationState,
    Role,
    TicketType,
    User,
)
from conference.models.registrations import new_ticket_code, new_token  # noqa: E402
from tests.databases import create_scratch_database  # noqa: E402

FIRST = ["Anna", "Łukasz", "Zofia", "Piotr", "Siobhan", "李", "Marta", "Jan", "Ewa", "Olga"]
LAST = ["Nowak", "Kowalski", "O'Brien", "Żółkiewski", "Wiśniewska", "小龙", "Lis", "Wolf"]
ORGS = ["Selvita", "Jagiellonian University", "Ryvu", "AGH", "Polpharma", "Trinity College",
        "Max Planck", "Novartis", "Comarch", "Sano"]


def _seed(count: int) -> Event:
    rng = random.Random(7)
    event = Event(slug="bench", name="Bench", starts_on=dt.date(2026, 5, 12),
                  ends_on=dt.date(2026, 5, 13), status=EventStatus.PUBLISHED)
    types = [TicketType(event=event, name=n, capacity=None) for n in ("Regular", "Student", "VIP")]
    questions = [Question(event=event, label=f"Q{i}", kind=QuestionKind.SHORT_TEXT)
                 for i in range(3)]
    user = User(email="bench@example.org", role=Role.ORGANIZER, is_superuser=True)
    user.set_password("benchmark-password")
    db.session.add_all([event, *types, *questions, user])
    db.session.flush()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    states = [RegistrationState.CONFIRMED] * 8 + [RegistrationState.WAITLISTED,
                                                  RegistrationState.CANCELLED]
    rows = []
    for i in range(count):
        rows.append(dict(
            event_id=event.id, ticket_type_id=rng.choice(types).id, state=rng.choice(states),
            first_name=rng.choice(FIRST), last_name=rng.choice(LAST), email=f"p{i}@example.org",
            organization=rng.choice(ORGS), job_title="Researcher", country=rng.choice(
                ["PL", "DE", "IE", "CN", "FR"]), phone="", locale="en", token=new_token(),
            ticket_code=new_ticket_code(),
            created_at=start + dt.timedelta(minutes=rng.randrange(60 * 24 * 120)),
            state_changed_at=start, consent_public_list=False, consent_news=False,
            privacy_policy_version="1"))
    db.session.execute(sa.insert(Registration), rows)
    ids = db.session.execute(sa.select(Registration.id)).scalars().all()
    db.session.execute(sa.insert(Answer), [
        dict(registration_id=r, question_id=q.id, value=f"answer {r}") for r in ids
        for q in questions])
    db.session.commit()
    return event


def _time(client, url: str, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        best = min(best, elapsed)
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    url, drop = create_scratch_database(
        os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        prefix="lsos_bench_regadmin")
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench",
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            db.create_all()
            _seed(count)
            db.session.remove()
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.org",
                                    "password": "benchmark-password"})
        statements = []
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute",
                            lambda *args: statements.append(1))
        base = "/manage/bench/registrations"
        figures = {
            "list_ms": _time(client, base),
            "search_ms": _time(client, base + "?q=selvita+nowak&state=confirmed"),
            "last_page_ms": _time(client, base + f"?page={count // 50}"),
            "sorted_ms": _time(client, base + "?sort=organization&dir=asc&page=20"),
        }
        statements.clear()
        client.get(base)
        queries = len(statements)
        figures["csv_ms"] = _time(client, base + "/export.csv", repeat=1)
        figures["xlsx_ms"] = _time(client, base + "/export.xlsx", repeat=1)
        figures["dashboard_ms"] = _time(client, "/manage/bench/dashboard", repeat=3)
        print(f"registrations={count} " + " ".join(f"{k}={v:.0f}" for k, v in figures.items())
              + f" queries_per_list={queries}")
        with app.app_context():
            db.engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
