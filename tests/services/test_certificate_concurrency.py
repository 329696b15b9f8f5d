"""Certificates under concurrency (PostgreSQL): one job for two organizers, one certificate
per person when two releases overlap."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from conference.extensions import db
from conference.models import Certificate, Event, Job, Role, User
from conference.services.certificates.issuing import release_certificates
from conference.services.certificates.runs import start_release

pytestmark = pytest.mark.postgres_only

DAY1 = dt.date(2026, 5, 12)


@pytest.fixture
def checked_in_event(daily_event, make_registration, attend):
    event = daily_event()
    for _ in range(12):
        attend(make_registration(event), DAY1)
    return event


def _in_threads(app, count: int, work) -> list:
    barrier = threading.Barrier(count)

    def run(index: int):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                return work(index)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_organizers_releasing_at_once_get_one_job(app, checked_in_event, make_user):
    event_id = checked_in_event.id
    users = [make_user(Role.ORGANIZER, events=[checked_in_event]).id for _ in range(6)]

    def start(index: int) -> int:
        job, _ = start_release(db.session.get(Event, event_id),
                               user=db.session.get(User, users[index]))
        db.session.commit()
        return job.id

    assert len(set(_in_threads(app, len(users), start))) == 1
    assert db.session.query(Job).count() == 1


def test_overlapping_releases_issue_each_certificate_once(app, checked_in_event):
    event_id = checked_in_event.id

    def release(index: int) -> int:
        issued = release_certificates(db.session.get(Event, event_id))
        db.session.commit()
        return len(issued)

    counts = _in_threads(app, 4, release)
    assert sum(counts) == 12
    assert db.session.query(Certificate).count() == 12
