"""Throw-away PostgreSQL databases for tests and benchmarks."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import sqlalchemy as sa


def create_scratch_database(base_url: str, prefix: str = "lsos_test") -> tuple[str, Callable]:
    """Create an empty database on the server of ``base_url``; returns (url, drop).

    The name is random, so parallel test processes and benchmarks never share one.
    """
    base = sa.engine.make_url(base_url).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop
