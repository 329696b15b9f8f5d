"""Test fixtures: an app per test on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.

Every test that uses ``app`` (or ``db_session``, ``client``, ...) runs once per database
backend. The schema is created once per backend and process; rows are wiped after each
test. Tests marked ``postgres_only`` run on PostgreSQL alone (row locks, concurrency).

In CI (``CI=true``) a test that would be skipped for a missing PostgreSQL or browser
fails instead, so a green CI run means those tests really ran.
"""

from __future__ import annotations

import contextvars
import os
import warnings

import pytest
from flask.testing import FlaskClient

from conference import create_app
from conference.extensions import db
from tests.build_caches import (
    TEMPLATE_BYTECODE,
    install_rule_builder_cache,
    install_rule_parse_cache,
)
from tests.databases import create_scratch_database

pytest_plugins = [
    "tests.fixtures.core",
    "tests.fixtures.agenda",
    "tests.fixtures.cfp",
    "tests.fixtures.smtp",
    "tests.fixtures.registration",
    "tests.fixtures.checkin",
    "tests.fixtures.regadmin",
    "tests.fixtures.badges",
    "tests.fixtures.feedback",
    "tests.fixtures.certificates",
    "tests.fixtures.invoices",
    "tests.fixtures.messaging",
    "tests.fixtures.payments",
    "tests.fixtures.partnering",
]

IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail in CI, where every test must run."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config):
    """Cheap per-test apps (tests/build_caches.py).

    Without libharfbuzz-subset0 WeasyPrint warns once, on import, and then renders
    (slowly). Tests that are about PDFs are skipped (see ``pytest_runtest_setup``); those
    that only pass through a PDF (page walks, URL fetcher) must not fail on the warning,
    whichever test happens to import WeasyPrint first in a process."""
    from conference.services.badges.pdf import harfbuzz_subset_available

    install_rule_builder_cache()
    install_rule_parse_cache()
    if not harfbuzz_subset_available():
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
            import weasyprint  # noqa: F401


#: Tests that take minutes or many seconds each, longest first (measured with
#: ``--durations``). pytest-xdist hands tests out in collection order, so these start first
#: and spread over the workers, and no worker is left with a long test at the end.
SLOW_FIRST = (
    "tests/web/test_hostile_input.py",
    "tests/e2e/test_every_page.py",
    "tests/web/test_access.py::test_every_route_answers_each_role_as_its_access_rule_says",
    "tests/e2e/",
    "tests/web/test_pages_safety.py",
    "tests/web/test_private_caching.py",
    "tests/web/test_speaker_visibility.py",
    "tests/web/test_table_headers.py",
    "tests/services/test_jobs_celery.py",
    "tests/services/test_mail_celery.py",
    "tests/services/test_migration",
    "_concurrency.py",
)


def _slow_first_key(item) -> tuple:
    for rank, prefix in enumerate(SLOW_FIRST):
        if item.nodeid.startswith(prefix) or (prefix.startswith("_") and prefix in item.nodeid):
            # Grouped by backend: the session's database is built again whenever the
            # backend changes from one test to the next.
            callspec = getattr(item, "callspec", None)
            backend = callspec.params.get("database_url", "") if callspec else ""
            return (0, backend != "sqlite", rank)
    return (1, False, 0)


def pytest_collection_modifyitems(config, items):
    """The known slow tests first (stable: the rest keep their order)."""
    items.sort(key=_slow_first_key)


def pytest_runtest_setup(item):
    """Tests marked ``pdf`` are about the PDFs WeasyPrint renders: they need Debian's
    libharfbuzz-subset0 (fast font subsetting, no warning), like the machine that prints."""
    if item.get_closest_marker("pdf"):
        from conference.services.badges.pdf import harfbuzz_subset_available

        if not harfbuzz_subset_available():
            skip_or_fail("libharfbuzz-subset0 is missing: PDF tests skipped "
                         "(apt-get install -y libharfbuzz-subset0; `make install` names "
                         "every optional package that is missing)")


def pytest_generate_tests(metafunc):
    if "database_url" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker
        backends = ["postgresql"] if marker("postgres_only") else (
            ["sqlite"] if marker("sqlite_only") else ["sqlite", "postgresql"])
        metafunc.parametrize("database_url", backends, indirect=True, scope="session")


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    """A database with the full schema, for one backend, for the whole test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        drop = None
    else:
        base_url = os.environ.get("TEST_DATABASE_URL")
        if not base_url:
            skip_or_fail("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
        url, drop = create_scratch_database(base_url)
    app = create_app(_test_config(url))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    if drop:
        drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """An empty database (no schema) on each backend, for tests that run the migrations."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        skip_or_fail("TEST_DATABASE_URL is not set: PostgreSQL migration test skipped")
    url, drop = create_scratch_database(base_url)
    yield url
    drop()


def _test_config(url: str, tmp_dir: str | None = None) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 9,  # nothing listens: tests that send mail use the smtp_server fixture
        "MAIL_TIMEOUT": 5,
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
        "PROXY_FIX_HOPS": 0,
        # Jobs run inside the request that starts them (tests/services/test_jobs_celery.py
        # runs a real Celery worker).
        "CELERY_BROKER_URL": "",
        "JOBS_IN_PROCESS": "eager",
    }
    if tmp_dir:
        config["UPLOAD_FOLDER"] = tmp_dir
        config["JOB_RESULT_FOLDER"] = f"{tmp_dir}/job-results"
    return config


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """The configuration of the test app; override keys in a test module's fixture."""
    return _test_config(database_url, str(tmp_path / "uploads"))


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context, like real requests.

    Flask reuses an app context that is already pushed (the ``app`` fixture pushes one for
    the test's own queries); requests would then share ``g`` (the logged-in user) and the
    database session with the test. Running each request in an empty ``contextvars``
    context gives it a fresh one. Objects the test holds may be stale after a request:
    refresh them.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(app_config):
    """The application with a pushed app context; tables are wiped afterwards."""
    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    application.jinja_env.bytecode_cache = TEMPLATE_BYTECODE
    with application.app_context():
        yield application
        db.session.remove()
        _wipe(application)
        db.engine.dispose()


def _wipe(application) -> None:
    """Delete every row, children first, in one round trip on PostgreSQL.

    DELETE, not TRUNCATE: on a few small tables it is many times faster in PostgreSQL
    (TRUNCATE makes new files for every table). Ids keep counting up between tests.
    """
    preparer = db.engine.dialect.identifier_preparer
    deletes = [f"DELETE FROM {preparer.format_table(table)}"
               for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        cursor = conn.connection.cursor()
        try:
            if db.engine.dialect.name == "postgresql":
                cursor.execute("; ".join(deletes))  # no parameters: one simple query
            else:
                for delete in deletes:
                    cursor.execute(delete)
        finally:
            cursor.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def backend(app) -> str:
    """'sqlite' or 'postgresql'."""
    return db.engine.dialect.name
