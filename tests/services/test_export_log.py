"""The export log: recording exports of personal data and reading them back."""

from __future__ import annotations

import datetime as dt

from conference.extensions import db
from conference.models import ExportLogEntry, Role
from conference.services.privacy.access_log import list_exports, record_export

T0 = dt.datetime(2026, 5, 12, 9, tzinfo=dt.UTC)


def test_an_export_is_logged_with_who_when_what_filters_and_rows(make_event, make_user):
    event = make_event()
    user = make_user(Role.ORGANIZER, events=[event])
    record_export("registrations.csv", user=user, event=event,
                  filters={"state": "confirmed", "q": "", "ticket_type": 3}, row_count=42, now=T0)
    db.session.commit()
    [entry] = list_exports().items
    assert (entry.user_email, entry.event_slug, entry.what, entry.row_count, entry.at) == (
        user.email, event.slug, "registrations.csv", 42, T0)
    assert entry.filters == "state=confirmed\nticket_type=3"


def test_the_log_keeps_who_exported_after_the_account_is_deleted(make_event, make_user):
    event = make_event()
    user = make_user(Role.ORGANIZER, events=[event])
    email = user.email
    record_export("badges.print_run", user=user, event=event)
    db.session.commit()
    user.events = []
    db.session.delete(user)
    db.session.commit()
    [entry] = db.session.execute(db.select(ExportLogEntry)).scalars().all()
    assert entry.user_id is None and entry.user_email == email


def test_the_log_is_filtered_by_event_and_by_user(make_event, make_user):
    first, second = make_event(), make_event()
    anna, piotr = make_user(Role.ORGANIZER), make_user(Role.ORGANIZER)
    record_export("a", user=anna, event=first)
    record_export("b", user=piotr, event=first)
    record_export("c", user=anna, event=second)
    db.session.commit()
    assert {e.what for e in list_exports(event_id=first.id).items} == {"a", "b"}
    assert {e.what for e in list_exports(user_id=anna.id).items} == {"a", "c"}
    assert [e.what for e in list_exports(event_id=first.id, user_id=anna.id).items] == ["a"]


def test_the_log_is_paginated_newest_first(make_event, make_user):
    event = make_event()
    user = make_user(Role.ORGANIZER)
    for minute in range(5):
        record_export(f"export-{minute}", user=user, event=event,
                      now=T0 + dt.timedelta(minutes=minute))
    db.session.commit()
    first = list_exports(per_page=2)
    assert (first.total, first.pages) == (5, 3)
    assert [e.what for e in first.items] == ["export-4", "export-3"]
    assert [e.what for e in list_exports(page=3, per_page=2).items] == ["export-0"]


def test_a_page_beyond_the_last_shows_the_last(make_event, make_user):
    record_export("only", user=make_user(Role.ORGANIZER), event=make_event())
    db.session.commit()
    page = list_exports(page=99)
    assert page.page == 1 and [e.what for e in page.items] == ["only"]


def test_hostile_filters_are_cut_to_size(make_event):
    record_export("x", user=None, event=make_event(), filters={"q": "A" * 10_000})
    db.session.commit()
    assert len(list_exports().items[0].filters) <= 2000
