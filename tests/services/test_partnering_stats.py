"""Partnering statistics for the organizer and the funder."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import MeetingOutcome, MeetingRating, RequestState
from conference.services.partnering.stats import partnering_stats

START = dt.datetime(2026, 5, 12, 12, tzinfo=dt.UTC)


@pytest.fixture
def scene(make_event, make_partnering_settings, make_partnering_window, make_partnering_profile,
          make_meeting_request):
    event = make_event()
    make_partnering_settings(event)
    slots = make_partnering_window(event, start=START, slots=4).slots
    krakow = make_partnering_profile(event, country="PL", sectors="Biotechnology")
    warsaw = make_partnering_profile(event, country="PL", sectors="Pharma")
    aragon = make_partnering_profile(event, country="ES", sectors="Biotechnology\nPharma")
    riga = make_partnering_profile(event, country="LV", sectors="Digital health")
    held = make_meeting_request(krakow, aragon, slot_id=slots[0].id, table_number=1,
                                outcome=MeetingOutcome.HELD)
    make_meeting_request(warsaw, krakow, slot_id=slots[0].id, table_number=2,
                         outcome=MeetingOutcome.NO_SHOW)
    make_meeting_request(aragon, riga, slot_id=slots[1].id, table_number=1,
                         outcome=MeetingOutcome.HELD)
    make_meeting_request(riga, krakow)  # accepted, not placed
    make_meeting_request(warsaw, aragon, RequestState.DECLINED)
    make_meeting_request(warsaw, riga, RequestState.CANCELLED)
    make_meeting_request(aragon, warsaw, RequestState.PENDING)
    make_meeting_request(riga, warsaw, RequestState.WITHDRAWN)
    db.session.add_all([
        MeetingRating(request_id=held.id, profile_id=krakow.id, rating=5, follow_up=True),
        MeetingRating(request_id=held.id, profile_id=aragon.id, rating=4, follow_up=False),
    ])
    db.session.commit()
    return event


def test_requests_are_counted_by_state(scene):
    stats = partnering_stats(scene)
    assert (stats.requests_sent, stats.pending, stats.accepted, stats.declined,
            stats.withdrawn, stats.cancelled) == (8, 1, 5, 1, 1, 1)


def test_scheduled_held_and_no_shows_are_counted(scene):
    stats = partnering_stats(scene)
    assert (stats.scheduled, stats.held, stats.no_shows) == (3, 2, 1)


def test_country_pairs_are_unordered(scene):
    pairs = {p.key: (p.scheduled, p.held) for p in partnering_stats(scene).per_country_pair}
    assert pairs == {("ES", "PL"): (1, 1), ("PL", "PL"): (1, 0), ("ES", "LV"): (1, 1)}


def test_a_meeting_counts_once_for_each_sector_of_either_side(scene):
    sectors = {p.key[0]: (p.scheduled, p.held) for p in partnering_stats(scene).per_sector}
    assert sectors == {"Biotechnology": (3, 2), "Pharma": (3, 2), "Digital health": (1, 1)}


def test_international_share_counts_meetings_with_a_side_from_abroad(scene):
    stats = partnering_stats(scene)
    assert (stats.international_scheduled, stats.cross_border_scheduled) == (2, 2)
    assert stats.international_share == pytest.approx(2 / 3)
    assert stats.international_held_share == 1.0


def test_ratings_give_the_average_and_the_follow_up_share(scene):
    stats = partnering_stats(scene)
    assert (stats.ratings, stats.average_rating, stats.follow_up_share) == (2, 4.5, 0.5)


def test_an_event_without_partnering_has_zeros(make_event):
    stats = partnering_stats(make_event())
    assert (stats.requests_sent, stats.scheduled, stats.average_rating,
            stats.international_share) == (0, 0, None, 0.0)
