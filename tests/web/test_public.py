"""The public home page and event pages."""

from __future__ import annotations

import datetime as dt

from conference.models import EventStatus, Role


def _soon(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


def test_the_home_page_lists_only_public_upcoming_events(client, make_event):
    make_event(name="Published Upcoming", starts_on=_soon(10), ends_on=_soon(11))
    make_event(name="Closed Upcoming", starts_on=_soon(12), ends_on=_soon(12),
               status=EventStatus.CLOSED)
    make_event(name="Draft Upcoming", starts_on=_soon(10), ends_on=_soon(11),
               status=EventStatus.DRAFT)
    make_event(name="Archived Old", starts_on=_soon(-400), ends_on=_soon(-399),
               status=EventStatus.ARCHIVED)
    make_event(name="Published Past", starts_on=_soon(-30), ends_on=_soon(-29))
    html = client.get("/").get_data(as_text=True)
    upcoming, _, past = html.partition('id="past-heading"')
    assert "Published Upcoming" in upcoming and "Closed Upcoming" in upcoming
    assert "Draft Upcoming" not in html
    assert "Published Past" not in upcoming and "Published Past" in past
    assert "Archived Old" in past


def test_an_event_running_today_is_still_upcoming(client, make_event):
    make_event(name="Happening Now", starts_on=_soon(-1), ends_on=_soon(0))
    html = client.get("/").get_data(as_text=True)
    assert "Happening Now" in html.partition('id="past-heading"')[0]


def test_the_home_page_says_so_when_nothing_is_upcoming(client):
    assert "No upcoming events are published yet." in client.get("/").get_data(as_text=True)


def test_a_draft_event_is_404_for_visitors(client, make_event):
    make_event(slug="secret", status=EventStatus.DRAFT)
    assert client.get("/e/secret/").status_code == 404


def test_a_draft_event_is_404_for_staff_of_other_events(client, make_event, make_user, login):
    make_event(slug="secret", status=EventStatus.DRAFT)
    login(client, make_user(Role.ORGANIZER, events=[make_event()]))
    assert client.get("/e/secret/").status_code == 404


def test_a_draft_event_is_shown_to_its_organizer_marked_as_draft(client, make_event, make_user,
                                                                 login):
    event = make_event(slug="secret", status=EventStatus.DRAFT)
    login(client, make_user(Role.ORGANIZER, events=[event]))
    response = client.get("/e/secret/")
    assert response.status_code == 200
    assert "Draft: only organizers see this page." in response.get_data(as_text=True)


def test_the_event_page_shows_dates_venue_contact_and_a_map_link(client, make_event):
    make_event(slug="lsos", name="LifeScience Open Space 2026", starts_on=dt.date(2026, 5, 12),
               ends_on=dt.date(2026, 5, 13), venue_name="ICE Kraków",
               venue_address="ul. Marii Konopnickiej 17, Kraków",
               contact_email="info@lsos.example")
    html = client.get("/e/lsos/").get_data(as_text=True)
    assert "<h1>LifeScience Open Space 2026</h1>" in html
    assert "12\u2009–\u200913 May 2026" in html
    assert "ICE Kraków" in html and "ul. Marii Konopnickiej 17, Kraków" in html
    assert ('href="https://www.openstreetmap.org/search?query='
            'ul.+Marii+Konopnickiej+17%2C+Krak%C3%B3w"') in html
    assert 'href="mailto:info@lsos.example"' in html


def test_the_event_page_has_no_map_link_without_an_address(client, make_event):
    make_event(slug="online", venue_name="Online", venue_address="")
    assert "openstreetmap" not in client.get("/e/online/").get_data(as_text=True)


def test_the_description_is_rendered_as_sanitised_markdown(client, make_event):
    make_event(slug="md", description=(
        "Two days of **science**.\n\n<script>alert('x')</script>\n\n"
        "[click](javascript:alert(1)) <img src=x onerror=alert(1)>"))
    html = client.get("/e/md/").get_data(as_text=True)
    assert "<strong>science</strong>" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "<img" not in html


def test_the_event_name_is_escaped(client, make_event):
    make_event(slug="esc", name="<b>Bold</b> & Co")
    html = client.get("/e/esc/").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    assert "<b>Bold</b>" not in html


def test_an_unknown_event_is_404(client):
    assert client.get("/e/no-such-event/").status_code == 404
