"""The registrations list and the dashboard figures."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.models import PaymentStatus, RegistrationState
from conference.services.registration.admin import (
    RegistrationFilter,
    chart_bars,
    dashboard_figures,
    list_registrations,
)

UTC = dt.UTC



@pytest.fixture
def crowd(make_event, make_ticket_type, make_registration):
    event = make_event()
    student = make_ticket_type(event, name="Student", price=90)
    regular = make_ticket_type(event, name="Regular", price=250)
    people = [
        make_registration(event, regular, first_name="Łukasz", last_name="Żółkiewski-Wąsowicz",
                          email="lukasz@uj.edu.pl", organization="Jagiellonian University"),
        make_registration(event, student, first_name="Siobhan", last_name="O'Brien",
                          email="siobhan@tcd.ie", organization="Trinity College",
                          country="IE", payment_status=PaymentStatus.PAID),
        make_registration(event, student, first_name="Xiaolong", last_name="李",
                          email="li@example.cn", organization="Selvita 100%_off",
                          state=RegistrationState.WAITLISTED),
        make_registration(event, regular, first_name="Anna", last_name="Nowak",
                          email="anna@selvita.com", organization="Selvita",
                          state=RegistrationState.CANCELLED),
    ]
    return event, student, regular, people


def _emails(page):
    return [r.email for r in page.items]


def test_search_matches_name_email_and_organization_case_insensitively(crowd):
    event, *_ = crowd
    assert _emails(list_registrations(event, RegistrationFilter(search="o'brien"))) == [
        "siobhan@tcd.ie"]
    assert _emails(list_registrations(event, RegistrationFilter(search="SELVITA", sort="email",
                                                                descending=False))) == [
        "anna@selvita.com", "li@example.cn"]
    assert _emails(list_registrations(event, RegistrationFilter(search="uj.edu"))) == [
        "lukasz@uj.edu.pl"]


def test_search_words_must_all_match(crowd):
    event, *_ = crowd
    page = list_registrations(event, RegistrationFilter(search="Siobhan Trinity"))
    assert _emails(page) == ["siobhan@tcd.ie"]
    assert list_registrations(event, RegistrationFilter(search="Siobhan Selvita")).total == 0


def test_search_treats_like_wildcards_literally(crowd):
    event, *_ = crowd
    assert _emails(list_registrations(event, RegistrationFilter(search="100%_"))) == [
        "li@example.cn"]
    assert list_registrations(event, RegistrationFilter(search="%")).total == 1


def test_filters_by_ticket_type_state_and_payment(crowd):
    event, student, regular, _ = crowd
    assert list_registrations(event, RegistrationFilter(ticket_type_id=student.id)).total == 2
    assert _emails(list_registrations(event, RegistrationFilter(
        states=[RegistrationState.CANCELLED]))) == ["anna@selvita.com"]
    assert _emails(list_registrations(event, RegistrationFilter(
        payment="paid"))) == ["siobhan@tcd.ie"]


def test_sorts_by_name_both_ways(crowd):
    event, *_ = crowd
    ascending = _emails(list_registrations(event, RegistrationFilter(sort="name",
                                                                     descending=False)))
    descending = _emails(list_registrations(event, RegistrationFilter(sort="name")))
    assert ascending == list(reversed(descending))
    assert ascending[0] == "anna@selvita.com"  # Nowak < O'Brien < Żółkiewski / 李


def test_list_does_not_show_other_events(crowd, make_event, make_registration):
    event, *_ = crowd
    make_registration(make_event(), email="other@example.org")
    assert "other@example.org" not in _emails(list_registrations(event, RegistrationFilter()))


def test_pagination_gives_every_registration_once(make_event, make_ticket_type,
                                                  make_registration):
    event = make_event()
    ticket_type = make_ticket_type(event)
    for _ in range(7):
        make_registration(event, ticket_type)
    flt = RegistrationFilter(sort="name", descending=False)
    pages = [list_registrations(event, flt, page=n, per_page=3) for n in (1, 2, 3)]
    assert [len(p.items) for p in pages] == [3, 3, 1]
    assert pages[0].pages == 3 and pages[0].total == 7
    assert len({r.id for p in pages for r in p.items}) == 7


def test_page_beyond_the_end_shows_the_last_page(make_event, make_registration):
    event = make_event()
    make_registration(event)
    page = list_registrations(event, RegistrationFilter(), page=99, per_page=10)
    assert page.page == 1 and len(page.items) == 1


def test_dashboard_counts_per_ticket_type_and_event(crowd, make_registration):
    event, student, regular, _ = crowd
    make_registration(event, student, state=RegistrationState.PENDING, country="DE",
                      organization="Selvita")
    figures = dashboard_figures(event)
    by_name = {f.ticket_type.name: f for f in figures.ticket_types}
    assert (by_name["Student"].confirmed, by_name["Student"].pending,
            by_name["Student"].waitlisted) == (1, 1, 1)
    assert by_name["Regular"].registered == 1
    assert (figures.registered, figures.waitlisted, figures.cancelled) == (3, 1, 1)
    assert dict(figures.top_organizations)["Selvita"] == 1  # cancelled one not counted
    assert set(dict(figures.top_countries)) == {"PL", "IE", "DE"}


def test_registrations_per_day_use_the_event_timezone_and_fill_gaps(make_event,
                                                                     make_registration):
    event = make_event(timezone="Europe/Warsaw")
    # 23:30 UTC on 1 March is already 2 March in Warsaw.
    make_registration(event, created_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    make_registration(event, created_at=dt.datetime(2026, 3, 4, 10, 0, tzinfo=UTC))
    make_registration(event, created_at=dt.datetime(2026, 3, 4, 11, 0, tzinfo=UTC))
    per_day = dashboard_figures(event).per_day
    assert per_day == [(dt.date(2026, 3, 2), 1), (dt.date(2026, 3, 3), 0),
                       (dt.date(2026, 3, 4), 2)]


def test_chart_bars_scale_to_the_busiest_day():
    bars = chart_bars([(dt.date(2026, 3, 1), 2), (dt.date(2026, 3, 2), 4)], width=100,
                      height=50)
    assert [b.height for b in bars] == [25.0, 50.0]
    assert bars[1].y == 0 and bars[0].x < bars[1].x


def test_open_offers_hold_seats_on_the_dashboard(make_event, make_ticket_type, make_registration):
    event = make_event()
    ticket_type = make_ticket_type(event, capacity=2)
    make_registration(event, ticket_type)
    make_registration(event, ticket_type, state=RegistrationState.WAITLISTED,
                      offer_expires_at=dt.datetime(2030, 1, 1, tzinfo=UTC))
    make_registration(event, ticket_type, state=RegistrationState.WAITLISTED)
    figures = dashboard_figures(event).ticket_types[0]
    assert (figures.registered, figures.offered, figures.seats_held, figures.waitlisted) == (
        1, 1, 2, 2)
