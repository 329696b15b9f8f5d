"""At the door: the folded name search, check-in rules per checkpoint, door staff landing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from conference.extensions import db
from conference.folding import fold
from conference.models import CheckinRule, Registration, Role
from conference.services.checkin.checkpoints import (
    CheckpointError,
    door_landing,
    masked_email,
    search_registrations,
    set_checkin_rule,
)
from conference.services.checkin.core import check_in
from conference.services.registration.admin import RegistrationFilter, list_registrations
from conference.services.registration.core import register, update_details
from tests.fixtures.registration import attendee

NOW = dt.datetime(2026, 5, 12, 7, 14, tzinfo=dt.UTC)  # 09:14 in Kraków


def found(event, query, **kwargs) -> list[str]:
    return [hit.registration.full_name for hit in search_registrations(event, query, **kwargs)]


def scan(event, checkpoint, registration, *, now=NOW):
    verdict = check_in(event, checkpoint, registration.ticket_code, user=None,
                       nonce=uuid.uuid4().hex, now=now)
    db.session.commit()
    return verdict.code


@pytest.mark.parametrize(("text", "folded"), [
    ("Gęślą", "gesla"), ("ŁUCJA", "lucja"), ("Żółkiewski", "zolkiewski"),
    ("Øster", "oster"), ("Straße", "strasse"), ("Đorđe", "dorde"), ("Æsir", "aesir"),
    ("Œuvre", "oeuvre"), ("Ｆｕｌｌ", "full"), ("İzmir", "izmir"),
])
def test_fold_drops_case_and_diacritics_including_letters_without_decomposition(text, folded):
    assert fold(text) == folded


def test_door_search_ignores_case_and_diacritics(make_event, make_registration):
    event = make_event()
    make_registration(event, first_name="Zuzanna", last_name="Gęślą")
    make_registration(event, first_name="Łucja", last_name="Wrona")
    make_registration(event, first_name="Stanisław", last_name="Żółkiewski")
    make_registration(event, first_name="Anna", last_name="Kowalska")
    assert found(event, "Gesla") == ["Zuzanna Gęślą"]
    assert found(event, "GĘŚLĄ") == ["Zuzanna Gęślą"]
    assert found(event, "lucja") == ["Łucja Wrona"]
    assert found(event, "łucja") == ["Łucja Wrona"]
    assert found(event, "ŁUCJA wrona") == ["Łucja Wrona"]
    assert found(event, "zolkiewski") == ["Stanisław Żółkiewski"]
    assert found(event, "stanislaw") == ["Stanisław Żółkiewski"]


def test_door_search_matches_organisation_and_email_but_not_other_events(
        make_event, make_registration):
    event = make_event()
    make_registration(event, first_name="Jan", last_name="Nowak", organization="Uniwersytet Łódzki",
                      email="jan.nowak@uni.lodz.pl")
    make_registration(make_event(), first_name="Jan", last_name="Nowak",
                      organization="Uniwersytet Łódzki")
    assert found(event, "lodzki") == ["Jan Nowak"]
    assert found(event, "uni.lodz") == ["Jan Nowak"]
    assert found(event, "%") == [] and found(event, "_") == []
    assert found(event, "x\x00y") == []  # a NUL never reaches PostgreSQL


def test_search_key_follows_the_details_the_services_write(app, make_event, make_ticket_type):
    event = make_event()
    ticket_type = make_ticket_type(event)
    registration = register(event, ticket_type, attendee(first_name="Łucja", last_name="Gęślą"),
                            privacy_consent=True)
    assert found(event, "lucja gesla") == ["Łucja Gęślą"]
    update_details(registration, attendee(first_name="Ольга", last_name="Żółć",
                                          email=registration.email), by_user=None)
    assert found(event, "gesla") == []
    assert found(event, "zolc") == ["Ольга Żółć"]


def test_organizer_list_search_ignores_case_of_non_ascii_letters(make_event, make_registration):
    event = make_event()
    wanted = make_registration(event, first_name="ŁUCJA", last_name="ŚWIĘCKA")
    make_registration(event, first_name="Anna", last_name="Nowak")
    for query in ("łucja", "Lucja", "swiecka", "ŚWIĘCKA"):
        page = list_registrations(event, RegistrationFilter(search=query))
        assert [r.id for r in page.items] == [wanted.id], query


def test_search_hits_say_who_is_already_in_at_the_checkpoint(
        make_event, make_registration, make_checkpoint):
    event = make_event()
    gate = make_checkpoint(event, "Gate 1")
    inside = make_registration(event, first_name="Jan", last_name="Kowalski",
                               organization="UJ")
    make_registration(event, first_name="Jan", last_name="Kowalski", organization="AGH")
    assert scan(event, gate, inside) == "welcome"
    hits = search_registrations(event, "jan kowalski", checkpoint=gate, now=NOW)
    by_org = {hit.registration.organization: hit for hit in hits}
    assert by_org["UJ"].entered_at == NOW and by_org["UJ"].entered_checkpoint == "Gate 1"
    assert by_org["AGH"].entered_at is None


def test_masked_email_tells_people_apart_without_revealing_the_address():
    assert masked_email("jan.kowalski@uj.edu.pl") == "j***@u***.pl"
    assert masked_email("a@b") == "a***@b***"
    assert masked_email("broken") == "***"


def test_a_workshop_rule_of_its_own_and_the_entrances_sharing_the_event_rule(
        make_event, make_registration, make_checkpoint, make_workshop):
    event = make_event(checkin_rule=CheckinRule.ONCE)
    gate1, gate2 = make_checkpoint(event, "Gate 1"), make_checkpoint(event, "Gate 2")
    workshop = make_checkpoint(event, "Lab", session=make_workshop(event, seat_capacity=None))
    person = make_registration(event)

    set_checkin_rule(event, workshop, "unlimited")
    set_checkin_rule(event, gate2, CheckinRule.DAILY)  # an entrance: all entrances
    db.session.commit()
    assert (event.checkin_rule, gate1.rule, gate2.rule) == (CheckinRule.DAILY,) * 3
    assert gate2.checkin_rule is None and workshop.rule is CheckinRule.UNLIMITED

    assert [scan(event, workshop, person) for _ in range(2)] == ["welcome", "welcome"]
    assert scan(event, gate1, person) == "welcome"
    assert scan(event, gate2, person) == "already_checked_in"
    assert scan(event, gate2, person, now=NOW + dt.timedelta(days=1)) == "welcome"

    set_checkin_rule(event, workshop, None)  # the event's rule again
    db.session.commit()
    assert workshop.checkin_rule is None and workshop.rule is CheckinRule.DAILY


def test_unknown_rules_and_foreign_checkpoints_are_refused(make_event, make_checkpoint):
    event = make_event()
    gate = make_checkpoint(event)
    with pytest.raises(CheckpointError):
        set_checkin_rule(event, gate, "twice")
    with pytest.raises(CheckpointError):
        set_checkin_rule(event, None, None)
    with pytest.raises(CheckpointError):
        set_checkin_rule(make_event(), gate, "daily")
    assert event.checkin_rule is CheckinRule.ONCE


def test_door_staff_of_one_event_land_on_its_first_entrance(
        make_event, make_user, make_checkpoint, make_workshop):
    event = make_event()
    make_checkpoint(event, "Lab", session=make_workshop(event), position=0)
    entrance = make_checkpoint(event, "Main entrance", position=1)
    assert door_landing(make_user(Role.DOOR, events=[event])) == entrance
    assert door_landing(make_user(Role.DOOR, events=[event, make_event()])) is None
    assert door_landing(make_user(Role.ORGANIZER, events=[event])) is None
    assert door_landing(make_user(Role.DOOR, events=[make_event()])) is None  # no entrance


def test_registrations_made_directly_get_their_key_from_refresh(make_event, make_ticket_type):
    event = make_event()
    registration = Registration(event=event, ticket_type=make_ticket_type(event),
                                first_name="Øystein", last_name="Æbeltoft", email="o@x.no",
                                organization="", state="confirmed")
    registration.refresh_search_key()
    assert registration.search_key == "oystein aebeltoft o@x.no"


def test_a_search_key_that_folding_expands_stays_within_the_index_limit(
        make_event, make_registration):
    event = make_event()
    # NFKD turns each "㍿" into four three-byte letters: 1,200 bytes become 4,800.
    registration = make_registration(event, first_name="㍿" * 100, last_name="㍿" * 100,
                                     organization="㍿" * 200, email="kk@example.org")
    assert 0 < len(registration.search_key.encode()) <= 2000
    assert found(event, "株式会社株式会社") == [registration.full_name]
