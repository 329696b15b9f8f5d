"""The partnering directory: who is listed, the filters, text search, paging, suggestions
with their reasons, and who may see a profile."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import RegistrationState, RequestState
from conference.services.partnering import directory
from conference.services.partnering.directory import DirectoryFilter
from conference.services.partnering.errors import NotAParticipant, ProfileNotVisible

NOW = dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)


@pytest.fixture
def event(make_event, make_partnering_settings):
    event = make_event(language="en", languages="en,pl")
    make_partnering_settings(event)
    return event


@pytest.fixture
def person(event, make_registration, make_partnering_profile):
    """A participant named ``name`` of ``organization``, with the given profile fields."""

    def make(name="Anna", organization="Uniwersytet Jagielloński", **fields):
        fields.setdefault("description", name)
        registration = make_registration(event, first_name=name, organization=organization)
        return make_partnering_profile(event, registration, **fields)

    return make


def _names(page) -> list[str]:
    return [p.registration.first_name for p in page.profiles]


def test_the_directory_lists_other_active_participants_only(person, make_event,
                                                            make_partnering_profile):
    me = person("Me")
    person("Kasia")
    person("Gone").left_at = NOW
    person("Cancelled").registration.state = RegistrationState.CANCELLED
    make_partnering_profile(make_event())  # another event
    db.session.commit()
    assert _names(directory.search(me, DirectoryFilter())) == ["Kasia"]


def test_someone_who_left_cannot_use_the_directory(person):
    me = person()
    me.left_at = NOW
    db.session.commit()
    with pytest.raises(NotAParticipant):
        directory.search(me, DirectoryFilter())


@pytest.mark.parametrize("flt,expected", [
    (DirectoryFilter(sector="Digital health"), ["Jordi"]),
    (DirectoryFilter(country="es"), ["Jordi"]),
    (DirectoryFilter(organisation_type="University"), ["Kasia"]),
    (DirectoryFilter(offer_type="Supplier"), ["Jordi"]),
    (DirectoryFilter(request_type="Licensing"), ["Kasia"]),
])
def test_each_filter_narrows_the_list(person, flt, expected):
    me = person("Me")
    person("Kasia", country="PL", organisation_type="University",
           sectors="Biotechnology\nPharma", offers=[("Research partner", "Lab")],
           requests=[("Licensing", "Antibodies")])
    person("Jordi", organization="Aragon Health", country="ES", organisation_type="Company",
           sectors="Digital health", offers=[("Supplier", "Sensors")],
           requests=[("Investment", "Seed")])
    db.session.commit()
    assert _names(directory.search(me, flt)) == expected


def test_a_sector_filter_matches_whole_sectors_only(person):
    me = person("Me")
    person("Kasia", sectors="Pharma")
    db.session.commit()
    assert _names(directory.search(me, DirectoryFilter(sector="Phar"))) == []


def test_text_search_ignores_case_and_accents_across_names_and_texts(person):
    me = person("Me")
    person("Łucja", organization="Kraków Biotech", description="Żywność funkcjonalna")
    person("Jordi", organization="Zaragoza Med", offers=[("Supplier", "Microfluidic chips")])
    db.session.commit()
    for text, expected in [("lucja", ["Łucja"]), ("KRAKOW", ["Łucja"]),
                           ("zywnosc", ["Łucja"]), ("microfluidic", ["Jordi"]),
                           ("zaragoza chips", ["Jordi"]), ("nothing here", [])]:
        assert _names(directory.search(me, DirectoryFilter(text=text))) == expected, text


def test_the_directory_pages(person):
    me = person("Me")
    for i in range(5):
        person(f"P{i}", organization=f"Org {i}")
    db.session.commit()
    second = directory.search(me, DirectoryFilter(page=2), per_page=2)
    assert (second.total, second.pages, second.page) == (5, 3, 2)
    assert _names(second) == ["P2", "P3"]
    assert directory.search(me, DirectoryFilter(page=99), per_page=2).page == 3


def test_the_directory_marks_people_i_have_an_open_request_with(person, make_meeting_request):
    me = person("Me")
    kasia = person("Kasia")
    make_meeting_request(me, kasia, RequestState.PENDING)
    assert directory.search(me, DirectoryFilter()).open_with == {kasia.id}


def test_suggestions_rank_by_matching_offers_and_requests_and_explain_why(person):
    me = person("Me", sectors="Digital health", offers=[("Supplier", "Sensors")],
                requests=[("Licensing", "Diagnostics")])
    best = person("Best", sectors="Digital health", offers=[("Licensing", "Diagnostics IP")],
                  requests=[("Supplier", "Sensors for trials")])
    half = person("Half", sectors="Pharma", offers=[("Licensing", "Patents")],
                  requests=[("Investment", "Money")])
    person("None", sectors="Pharma", offers=[("Investment", "Money")],
           requests=[("Research partner", "Lab")])
    db.session.commit()
    suggestions = directory.suggestions(me)
    assert [s.profile.id for s in suggestions] == [best.id, half.id]
    reasons = suggestions[0].reasons
    assert ("offers", "Licensing") in reasons
    assert ("looks_for", "Supplier") in reasons
    assert ("sector", "Digital health") in reasons
    assert any(kind == "words" and "sensors" in value for kind, value in reasons)
    assert suggestions[0].score > suggestions[1].score


def test_suggestions_leave_out_people_with_an_open_request(person, make_meeting_request):
    me = person("Me", requests=[("Licensing", "x")])
    other = person("Other", offers=[("Licensing", "y")])
    make_meeting_request(other, me, RequestState.PENDING)
    assert directory.suggestions(me) == []


def test_a_profile_is_visible_to_participants_of_the_same_event(person):
    me, other = person("Me"), person("Other")
    assert directory.visible_profile(me, other.id) is other


def test_a_profile_of_someone_who_left_is_not_visible(person):
    me, other = person("Me"), person("Other")
    other.left_at = NOW
    db.session.commit()
    with pytest.raises(ProfileNotVisible):
        directory.visible_profile(me, other.id)


def test_a_profile_of_another_event_is_not_visible(person, make_event,
                                                   make_partnering_profile):
    me = person("Me")
    stranger = make_partnering_profile(make_event())
    with pytest.raises(ProfileNotVisible):
        directory.visible_profile(me, stranger.id)


def test_someone_outside_partnering_sees_no_profile(person):
    me, other = person("Me"), person("Other")
    me.left_at = NOW
    db.session.commit()
    with pytest.raises(NotAParticipant):
        directory.visible_profile(me, other.id)
