"""Feedback results, exports and the attendee's page with many ratings, on PostgreSQL.

Creates a throw-away database next to TEST_DATABASE_URL (default: local postgres), seeds
one event with 60 sessions in 6 tracks and N attendees (default 3000), each of whom rated
the event and 8 sessions (a third with a comment), then times the organizers' results page,
the exports and one attendee's feedback page while feedback is open, then a speaker's page
once it has closed, through the Flask test client, and prints one line:

    attendees=.. ratings=.. results_ms=.. csv_ms=.. xlsx_ms=.. speaker_ms=.. rate_page_ms=..
    queries_per_results=..   (all on one line)

Run: .venv/bin/python benchmarks/feedback_results.py [N]
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
    Event,
    EventStatus,
    Feedback,
    FeedbackOpening,
    FeedbackSettings,
    Registration,
    RegistrationState,
    Role,
    Session,
    Speaker,
    StarredSession,
    TicketType,
    Track,
    User,
)
from conference.models.agenda import session_speakers  # noqa: E402
from conference.models.registrations import new_ticket_code, new_token  # noqa: E402
from tests.databases import create_scratch_database  # noqa: E402

SESSIONS, TRACKS, RATED_PER_ATTENDEE = 60, 6, 8
COMMENTS = ["Great speaker", "Too short", "=1+1", "Clear slides, useful examples", "Meh"]


def _seed(count: int) -> tuple[str, str]:
    """Returns (a speaker's token, an attendee's token)."""
    rng = random.Random(7)
    event = Event(slug="bench", name="Bench", starts_on=dt.date(2026, 5, 12),
                  ends_on=dt.date(2026, 5, 13), status=EventStatus.PUBLISHED)
    ticket_type = TicketType(event=event, name="Regular", capacity=None)
    tracks = [Track(event=event, name=f"Track {i}") for i in range(TRACKS)]
    user = User(email="bench@example.org", role=Role.ORGANIZER, is_superuser=True)
    user.set_password("benchmark-password")
    db.session.add_all([event, ticket_type, *tracks, user])
    db.session.flush()
    day = dt.datetime(2026, 5, 12, 7, tzinfo=dt.UTC)
    sessions = [Session(event=event, title=f"Session {i}", track=tracks[i % TRACKS],
                        starts_at=day + dt.timedelta(hours=i % 10, days=i // 30),
                        ends_at=day + dt.timedelta(hours=i % 10 + 1, days=i // 30))
                for i in range(SESSIONS)]
    speaker = Speaker(event=event, name="Speaker", email="speaker@example.org")
    db.session.add_all([*sessions, speaker])
    db.session.add(FeedbackSettings(event=event, enabled=True,
                                    opening=FeedbackOpening.AFTER_EVENT,
                                    closes_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=30)))
    db.session.flush()
    db.session.execute(sa.insert(session_speakers), [
        {"session_id": sessions[0].id, "speaker_id": speaker.id}])
    db.session.execute(sa.insert(Registration), [dict(
        event_id=event.id, ticket_type_id=ticket_type.id, state=RegistrationState.CONFIRMED,
        first_name="Anna", last_name=f"Nowak {i}", email=f"p{i}@example.org", locale="en",
        token=new_token(), ticket_code=new_ticket_code(), privacy_policy_version="1",
        created_at=day, state_changed_at=day, consent_public_list=False, consent_news=False,
        organization="", job_title="", country="PL", phone="", search_key="")
        for i in range(count)])
    ids = db.session.execute(sa.select(Registration.id)).scalars().all()
    stars, ratings = [], []
    for registration_id in ids:
        chosen = rng.sample(sessions, RATED_PER_ATTENDEE)
        ratings.append(dict(event_id=event.id, registration_id=registration_id, session_id=None,
                            rating=rng.randint(1, 5), comment="", created_at=day,
                            updated_at=day))
        for session in chosen:
            stars.append(dict(registration_id=registration_id, session_id=session.id,
                              created_at=day))
            ratings.append(dict(event_id=event.id, registration_id=registration_id,
                                session_id=session.id, rating=rng.randint(1, 5),
                                comment=rng.choice(COMMENTS) if rng.random() < .33 else "",
                                created_at=day, updated_at=day))
    db.session.execute(sa.insert(StarredSession), stars)
    db.session.execute(sa.insert(Feedback), ratings)
    db.session.commit()
    attendee = db.session.get(Registration, ids[0])
    return speaker.token, attendee.token


def _time(client, url: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        best = min(best, elapsed)
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    url, drop = create_scratch_database(
        os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        prefix="lsos_bench_feedback")
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench",
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            db.create_all()
            speaker_token, attendee_token = _seed(count)
            ratings = db.session.execute(sa.select(sa.func.count(Feedback.id))).scalar_one()
            db.session.remove()
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.org",
                                    "password": "benchmark-password"})
        statements = []
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute",
                            lambda *args: statements.append(1))
        base = "/manage/bench/feedback"
        figures = {"results_ms": _time(client, base)}
        statements.clear()
        client.get(base)
        queries = len(statements)
        figures["csv_ms"] = _time(client, base + "/export.csv", repeat=1)
        figures["xlsx_ms"] = _time(client, base + "/export.xlsx", repeat=1)
        figures["rate_page_ms"] = _time(client, f"/e/bench/r/{attendee_token}/feedback")
        with app.app_context():  # feedback closes: the speaker's results appear
            db.session.execute(sa.update(FeedbackSettings).values(
                closes_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
            db.session.commit()
        figures["speaker_ms"] = _time(client, f"/e/bench/speaker/{speaker_token}")
        print(f"attendees={count} ratings={ratings} "
              + " ".join(f"{k}={v:.0f}" for k, v in figures.items())
              + f" queries_per_results={queries}")
        with app.app_context():
            db.engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
