"""Table headers screen readers can use: sort state on the header, no empty headers.

The browser walk (tests/e2e/test_every_page.py) runs axe-core over every page; these
checks also run where Chromium is missing.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from tests.web.test_access import world  # noqa: F401 (a check-in, a conflict: full tables)


def _headers(response):
    assert response.status_code == 200
    return lxml_html.fromstring(response.get_data(as_text=True)).xpath("//th")


def test_the_sorted_column_header_carries_aria_sort_and_its_link_does_not(desk):
    response = desk.client.get(f"/manage/{desk.event.slug}/registrations?sort=email&dir=desc")
    headers = _headers(response)
    sorted_headers = [th for th in headers if th.get("aria-sort")]
    assert [(th.text_content().strip(), th.get("aria-sort")) for th in sorted_headers] == [
        ("Email ↓", "descending")]
    assert not re.search(r"<a [^>]*aria-sort", response.get_data(as_text=True))


def test_programme_grid_rows_all_name_their_time(client, make_event, make_room, make_session):
    event = make_event(slug="grid")
    room = make_room(event)
    # 09:00-10:15 gives rows at 09:00, 09:15, ... of which only :00 and :30 show the time.
    make_session(event, room=room, start="09:00", end="10:15")
    headers = _headers(client.get("/e/grid/programme"))
    row_headers = [th for th in headers if th.get("scope") == "row"]
    assert len(row_headers) >= 4
    assert all(th.text_content().strip() for th in row_headers)


def test_check_in_dashboard_tables_have_no_empty_headers(app, world, login):  # noqa: F811
    client = app.test_client()
    login(client, world["users"]["organizer"])
    response = client.get(f"/manage/{world['event'].slug}/checkin")
    headers = _headers(response)
    assert len(headers) > 6
    assert all(th.text_content().strip() for th in headers)
