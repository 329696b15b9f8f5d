"""Privacy pages: the public policy and its versions, the organizer's page, the public
participant list and the attendee's choice on the private page."""

from __future__ import annotations

import pytest

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import PrivacyPolicyVersion, Role
from conference.services.privacy.participants import set_public_list_enabled
from conference.services.privacy.policy import publish_policy


@pytest.fixture
def organizer(client, make_user, login):
    def make(event):
        login(client, make_user(Role.ORGANIZER, events=[event]))
        return client

    return make


def _publish(event, text):
    version = publish_policy(event, controller_name="LSC Kraków", text=text)
    db.session.commit()
    return version


# --- The public policy page --------------------------------------------------------------

def test_policy_page_shows_the_current_version_in_the_page_language(client, make_event):
    event = make_event(languages="pl,en")
    _publish(event, LocalizedText({"pl": "Stara polityka", "en": "Old policy"}))
    _publish(event, LocalizedText({"pl": "**Nowa** polityka", "en": "**New** policy"}))
    page = client.get(f"/e/{event.slug}/privacy?lang=en").get_data(as_text=True)
    assert "<strong>New</strong> policy" in page and "Old policy" not in page
    assert "LSC Kraków" in page


def test_an_old_version_stays_readable_by_number(client, make_event):
    event = make_event()
    _publish(event, "First text")
    _publish(event, "Second text")
    response = client.get(f"/e/{event.slug}/privacy/1")
    assert response.status_code == 200
    assert "First text" in response.get_data(as_text=True)


def test_policy_page_is_404_before_any_version(client, make_event):
    assert client.get(f"/e/{make_event().slug}/privacy").status_code == 404


def test_an_unknown_version_number_is_404(client, make_event):
    event = make_event()
    _publish(event, "Text")
    assert client.get(f"/e/{event.slug}/privacy/7").status_code == 404


def test_the_registration_form_links_to_the_published_policy(client, make_event,
                                                             make_ticket_type):
    event = make_event()
    make_ticket_type(event)
    _publish(event, "Text")
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert f'href="/e/{event.slug}/privacy"' in page


# --- Organizers --------------------------------------------------------------------------

def test_organizer_publishes_a_version_from_the_form(organizer, make_event):
    event = make_event(languages="pl,en", language="pl")
    client = organizer(event)
    response = client.post(f"/manage/{event.slug}/privacy", data={
        "controller_name": "LSC", "controller_address": "Kraków",
        "controller_contact": "rodo@example.org", "text-pl": "Polityka", "text-en": "Policy",
        "submit": "1"})
    assert response.status_code == 302
    version = db.session.execute(db.select(PrivacyPolicyVersion)).scalar_one()
    assert (version.number, version.text.exact("en")) == (1, "Policy")


def test_publishing_without_text_shows_the_reason(organizer, make_event):
    event = make_event()
    response = organizer(event).post(f"/manage/{event.slug}/privacy", data={
        "controller_name": "LSC", "submit": "1"})
    assert response.status_code == 200
    assert "at least in the event" in response.get_data(as_text=True)


def test_deleting_a_version_with_consents_is_refused_with_a_message(
        organizer, make_event, make_registration):
    event = make_event()
    version = _publish(event, "Text")
    make_registration(event, privacy_policy_version_id=version.id)
    client = organizer(event)
    response = client.post(f"/manage/{event.slug}/privacy/versions/{version.id}/delete",
                           follow_redirects=True)
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert db.session.get(PrivacyPolicyVersion, version.id) is not None


def test_an_unused_version_is_deleted(organizer, make_event):
    event = make_event()
    version = _publish(event, "Text")
    version_id = version.id
    organizer(event).post(f"/manage/{event.slug}/privacy/versions/{version_id}/delete")
    db.session.expire_all()
    assert db.session.get(PrivacyPolicyVersion, version_id) is None


def test_organizer_turns_on_the_public_list(organizer, make_event):
    event = make_event()
    client = organizer(event)
    client.post(f"/manage/{event.slug}/privacy",
                data={"list-public_list_enabled": "y", "list-submit_list": "1"})
    assert client.get(f"/e/{event.slug}/participants").status_code == 200


# --- Public participant list ---------------------------------------------------------------

def test_participant_list_is_404_while_off(client, make_event, make_registration):
    event = make_event()
    make_registration(event, consent_public_list=True)
    assert client.get(f"/e/{event.slug}/participants").status_code == 404


def test_participant_list_shows_opted_in_people_without_emails(client, make_event,
                                                               make_registration):
    event = make_event()
    set_public_list_enabled(event, True)
    make_registration(event, first_name="Jan", last_name="Listed", email="jan@example.org",
                      consent_public_list=True, country="CZ")
    make_registration(event, first_name="Eva", last_name="Hidden", consent_public_list=False)
    page = client.get(f"/e/{event.slug}/participants?lang=en").get_data(as_text=True)
    assert "Jan Listed" in page and "Czechia" in page
    assert "Hidden" not in page and "jan@example.org" not in page


def test_opting_out_on_the_private_page_removes_the_person_at_once(client, make_event,
                                                                   make_registration):
    event = make_event()
    set_public_list_enabled(event, True)
    registration = make_registration(event, last_name="Leaving", consent_public_list=True)
    private = client.get(f"/e/{event.slug}/r/{registration.token}/").get_data(as_text=True)
    assert "Remove me from the list" in private
    client.post(f"/e/{event.slug}/r/{registration.token}/public-list", data={"listed": "no"})
    assert "Leaving" not in client.get(f"/e/{event.slug}/participants").get_data(as_text=True)


def test_opting_in_on_the_private_page_lists_the_person(client, make_event, make_registration):
    event = make_event()
    set_public_list_enabled(event, True)
    registration = make_registration(event, last_name="Joining", consent_public_list=False)
    client.post(f"/e/{event.slug}/r/{registration.token}/public-list", data={"listed": "yes"})
    assert "Joining" in client.get(f"/e/{event.slug}/participants").get_data(as_text=True)


def test_private_page_hides_the_choice_while_the_list_is_off(client, make_event,
                                                            make_registration):
    event = make_event()
    registration = make_registration(event)
    page = client.get(f"/e/{event.slug}/r/{registration.token}/").get_data(as_text=True)
    assert "public-list-heading" not in page


def test_a_forged_token_cannot_change_the_choice(client, make_event):
    event = make_event()
    set_public_list_enabled(event, True)
    db.session.commit()
    response = client.post(f"/e/{event.slug}/r/{'x' * 32}/public-list", data={"listed": "yes"})
    assert response.status_code == 404


def test_participant_list_is_never_served_stale_from_a_cache(client, make_event):
    event = make_event()
    set_public_list_enabled(event, True)
    db.session.commit()
    response = client.get(f"/e/{event.slug}/participants")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] in ("no-cache", "no-store")
