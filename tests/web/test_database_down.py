"""A database that cannot be reached is a 503 with Retry-After, and the app recovers at once.

The first tests point the app at a port where nothing listens. The last one starts a
PostgreSQL server of its own (``initdb`` + ``pg_ctl`` in a temporary folder, on a free
port), stops it in the middle and starts it again; the shared server is never touched.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid

import pytest

from conference import create_app
from conference.extensions import db
from tests.conftest import _test_config, skip_or_fail


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _app(url: str, tmp_path):
    app = create_app({**_test_config(url, str(tmp_path / "uploads")), "DATABASE_RETRY_AFTER": 7})
    return app


def _log_in_as_someone(client) -> None:
    """A session cookie as Flask-Login writes it; checking it needs the database."""
    with client.session_transaction() as session:
        session["_user_id"] = "1:some-marker"
        session["_fresh"] = True


def _scan(client):
    return client.post("/checkin/api/some-event/scan", json={
        "code": "ABCDEFGHJKMNPQRSTU", "nonce": uuid.uuid4().hex, "checkpoint": 1})


def _assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    html = response.get_data(as_text=True)
    assert "Temporarily unavailable" in html and "try again in a moment" in html
    assert 'class="site-header"' in html  # the site's look, rendered without the database


def _assert_unavailable_json(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert response.get_json() == {"status": "error", "reason": "unavailable"}


@pytest.fixture
def unreachable_app(tmp_path):
    app = _app(f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/nothing", tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_page_gets_503_with_retry_after_when_the_database_is_unreachable(unreachable_app):
    _assert_unavailable_page(unreachable_app.test_client().get("/"))


def test_a_logged_in_page_gets_the_503_page_too(unreachable_app):
    client = unreachable_app.test_client()
    _log_in_as_someone(client)
    _assert_unavailable_page(client.get("/manage/"))


def test_an_error_page_for_a_logged_in_user_becomes_a_503(unreachable_app):
    """The 404 page asks who is logged in; without the database that is a 503 too."""
    client = unreachable_app.test_client()
    _log_in_as_someone(client)
    _assert_unavailable_page(client.get("/no/such/page"))


def test_the_503_page_is_translated(unreachable_app):
    response = unreachable_app.test_client().get("/", headers={"Accept-Language": "pl"})
    assert response.status_code == 503
    assert "Chwilowo niedostępne" in response.get_data(as_text=True)


def test_the_scan_api_gets_json_503_so_the_scanner_queues_the_scan(unreachable_app):
    client = unreachable_app.test_client()
    _log_in_as_someone(client)
    _assert_unavailable_json(_scan(client))


def test_a_form_post_gets_503_not_500(unreachable_app):
    response = unreachable_app.test_client().post("/login", data={
        "email": "someone@example.org", "password": "whatever"})
    _assert_unavailable_page(response)


def test_a_wrong_statement_is_still_a_500_not_a_503(tmp_path):
    """Only an unreachable database is a 503; a bug stays a 500 (PostgreSQL's missing
    table is a ProgrammingError, SQLite's an OperationalError: both must stay 500)."""
    import sqlalchemy as sa

    from conference.security import public

    app = create_app({**_test_config(f"sqlite:///{tmp_path / 'x.sqlite'}"),
                      "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/db-boom")
    @public
    def db_boom():
        db.session.execute(sa.text("SELECT * FROM no_such_table"))

    response = app.test_client().get("/db-boom")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    with app.app_context():
        db.engine.dispose()


# ----------------------------------------------------------------- a real restart


def _postgres_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return os.path.dirname(found[-1])
    pg_ctl = shutil.which("pg_ctl")
    return os.path.dirname(pg_ctl) if pg_ctl else None


class OwnServer:
    """A throwaway PostgreSQL cluster in ``folder`` on ``port`` (run as the ``postgres``
    user when the tests run as root, since PostgreSQL refuses to run as root)."""

    def __init__(self, bindir: str, folder: str, port: int):
        self.bindir, self.folder, self.port = bindir, folder, port
        self.data = os.path.join(folder, "data")
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{' '.join(command)}: {result.stderr}"

    def init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-w", "-l", os.path.join(self.folder, "log"),
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-w", "-m", "fast", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def own_server():
    bindir = _postgres_bin()
    if bindir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        skip_or_fail("no PostgreSQL server binaries (initdb, pg_ctl) to start a server")
    # Not under pytest's tmp folder: the postgres user must be able to reach it.
    folder = tempfile.mkdtemp(prefix="lsos-own-postgres-")
    server = OwnServer(bindir, folder, _free_port())
    try:
        server.init()
        server.start()
        yield server
    finally:
        with contextlib.suppress(AssertionError):  # already stopped
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_postgresql_restart_gives_503_then_recovers_at_once(own_server, tmp_path):
    app = _app(own_server.url, tmp_path)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    assert client.get("/").status_code == 200  # a pooled connection now exists

    own_server.stop()
    _assert_unavailable_page(client.get("/"))
    scanner = app.test_client()
    _log_in_as_someone(scanner)
    _assert_unavailable_json(_scan(scanner))

    own_server.start()
    # The first request after the restart already succeeds (pool pre-ping).
    assert client.get("/").status_code == 200
    assert _scan(scanner).status_code == 401  # the database answers: no such account
    with app.app_context():
        db.engine.dispose()
