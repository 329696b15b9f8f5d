"""The public participant list: who is on it, in which order, and leaving it."""

from __future__ import annotations

from conference.extensions import db
from conference.models import RegistrationState
from conference.services.privacy.participants import (
    public_list_enabled,
    public_participants,
    set_public_list_consent,
    set_public_list_enabled,
)


def test_the_list_is_off_by_default(make_event):
    assert public_list_enabled(make_event()) is False


def test_the_organizer_turns_the_list_on_and_off(make_event):
    event = make_event()
    set_public_list_enabled(event, True)
    db.session.commit()
    assert public_list_enabled(event) is True
    set_public_list_enabled(event, False)
    db.session.commit()
    assert public_list_enabled(event) is False


def test_only_confirmed_attendees_who_agreed_are_listed(make_event, make_registration):
    event = make_event()
    make_registration(event, last_name="Listed", consent_public_list=True)
    make_registration(event, last_name="NoConsent", consent_public_list=False)
    make_registration(event, last_name="Waiting", consent_public_list=True,
                      state=RegistrationState.WAITLISTED)
    make_registration(event, last_name="Cancelled", consent_public_list=True,
                      state=RegistrationState.CANCELLED)
    make_registration(make_event(), last_name="OtherEvent", consent_public_list=True)
    assert [p.last_name for p in public_participants(event)] == ["Listed"]


def test_the_list_is_sorted_by_last_name_ignoring_diacritics(make_event, make_registration):
    event = make_event()
    for first, last in [("Ewa", "Zając"), ("Jan", "Łukasiewicz"), ("Adam", "Kowalski"),
                        ("Ola", "Lis")]:
        make_registration(event, first_name=first, last_name=last, consent_public_list=True)
    assert [p.last_name for p in public_participants(event)] == [
        "Kowalski", "Lis", "Łukasiewicz", "Zając"]


def test_the_list_shows_name_organisation_and_country_only(make_event, make_registration):
    event = make_event()
    make_registration(event, first_name="Anna", last_name="Nowak", organization="UJ",
                      country="CZ", consent_public_list=True)
    [person] = public_participants(event)
    assert (person.full_name, person.organization, person.country) == ("Anna Nowak", "UJ", "CZ")
    assert not hasattr(person, "email")


def test_opting_out_removes_the_person_at_once(make_event, make_registration):
    event = make_event()
    registration = make_registration(event, consent_public_list=True)
    assert set_public_list_consent(registration, False) is True
    db.session.commit()
    assert public_participants(event) == []
    assert registration.changes[-1].detail == "public list: no"


def test_choosing_the_same_again_changes_nothing(make_event, make_registration):
    registration = make_registration(make_event(), consent_public_list=True)
    assert set_public_list_consent(registration, True) is False
