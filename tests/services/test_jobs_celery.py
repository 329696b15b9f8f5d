"""A real Celery worker process, fed through Redis, runs a badge print run end to end.

Each test gets its own broker key prefix, so parallel test processes (pytest-xdist) and
other installations on the same Redis never see each other's messages.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conference.extensions import db
from conference.models import Job, JobState, Role
from tests.conftest import skip_or_fail
from tests.fixtures.badges import decode_qr_codes, pdf_pages

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def broker(request):
    """(broker URL, key prefix) on a reachable Redis; the prefix's keys are removed after."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        client.close()
        skip_or_fail(f"Redis at {REDIS_URL} is unreachable ({error}): Celery test skipped")
    prefix = f"lsos-test-{uuid.uuid4().hex[:12]}:"
    yield REDIS_URL, prefix
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def app_config(app_config, broker):
    url, prefix = broker
    return {**app_config, "CELERY_BROKER_URL": url, "CELERY_KEY_PREFIX": prefix}


@pytest.fixture
def celery_worker(app, app_config, tmp_path):
    """``celery worker --pool=solo`` as a subprocess with the test app's settings."""
    env = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "UPLOAD_FOLDER": app_config["UPLOAD_FOLDER"],
        "JOB_RESULT_FOLDER": app_config["JOB_RESULT_FOLDER"],
        "CELERY_BROKER_URL": app_config["CELERY_BROKER_URL"],
        "CELERY_KEY_PREFIX": app_config["CELERY_KEY_PREFIX"],
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    log_path = tmp_path / "celery-worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "conference.jobs.worker:celery_app",
             "worker", "--pool=solo", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--loglevel=INFO",
             "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h"],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_for(predicate, timeout: float, what: str, log_path: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout} s; worker log:\n{log_path.read_text()[-3000:]}")


def test_a_celery_worker_runs_a_badge_print_run_from_redis(
        app, client, celery_worker, badge_event, make_registration, make_user, login):
    process, log_path = celery_worker
    event, attendee, _ = badge_event
    # Ten: above POOL_THRESHOLD, so the worker's warm renderer pool draws them.
    people = [make_registration(event, attendee) for _ in range(10)]
    login(client, make_user(Role.ORGANIZER, events=[event]))

    response = client.post(f"/manage/{event.slug}/badges/print", data={"scope": "all"})
    assert response.status_code == 302
    job_url = response.headers["Location"]
    # The request only queued it: the web process rendered nothing.
    [job] = db.session.execute(db.select(Job)).scalars().all()
    assert job.state is JobState.QUEUED and job.attempts == 0

    def finished():
        assert process.poll() is None, log_path.read_text()[-3000:]
        status = client.get(f"{job_url}status.json").get_json()
        return status if status["state"] in ("done", "failed") else None

    status = _wait_for(finished, 90, "the worker did not finish the job", log_path)
    assert status["state"] == "done", status
    assert (status["done"], status["total"]) == (10, 10)
    pdf = client.get(status["result_url"])
    assert pdf.status_code == 200
    assert pdf_pages(pdf.data) == 10
    assert sorted(decode_qr_codes(pdf.data, i)[0] for i in range(10)) == sorted(
        p.ticket_code for p in people)
    assert "badge renderer warm" in log_path.read_text()
    db.session.expire_all()
    assert db.session.get(Job, job.id).attempts == 1
