"""The public event page and the programme cost a fixed number of queries, however many
sessions, speakers, ticket types and partners the event has."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from conference.extensions import db
from conference.services.promotion.partners import PartnerFields, save_partner


@contextlib.contextmanager
def counted_queries():
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def populate(make_event, make_ticket_type, make_speaker, make_session, make_room, make_track):
    """An event with ``n`` sessions, speakers (featured) and partners, 4 ticket types."""

    def make(slug: str, n: int):
        event = make_event(slug=slug)
        rooms = [make_room(event) for _ in range(3)]
        track = make_track(event)
        for _ in range(4):
            make_ticket_type(event, includes="Lunch")
        for i in range(n):
            speaker = make_speaker(event, is_invited=True, is_featured=True)
            hour = 8 + i % 10
            make_session(event, start=f"{hour:02d}:00", end=f"{hour:02d}:45",
                         room=rooms[i % 3], track=track, speakers=[speaker],
                         is_highlight=i % 5 == 0)
            save_partner(event, None, PartnerFields(name=f"Partner {i}"))
        db.session.commit()
        return event

    return make


def _queries(client, url: str) -> int:
    client.get(url)  # warm-up: the first request loads what every request shares
    db.session.expire_all()
    with counted_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("path", ["", "programme", "widget"])
def test_public_pages_cost_the_same_queries_for_10_or_60_sessions(client, populate, path):
    small, large = populate("small", 10), populate("large", 60)
    db.session.expire_all()
    small_count = _queries(client, f"/e/{small.slug}/{path}")
    assert small_count == _queries(client, f"/e/{large.slug}/{path}")
