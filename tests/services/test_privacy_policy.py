"""Privacy policy versions: publishing, consents pointing at the version seen, deletion."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import PrivacyPolicyVersion, Registration
from conference.services.privacy.policy import (
    InvalidPolicy,
    PolicyVersionInUse,
    current_policy,
    delete_policy_version,
    policy_versions,
    publish_policy,
)


def _publish(event, **fields):
    values = {"controller_name": "Life Science Cluster Kraków",
              "controller_address": "ul. Bobrzyńskiego 14, Kraków",
              "controller_contact": "rodo@example.org",
              "text": LocalizedText({"pl": "Polityka v1", "en": "Policy v1"})}
    values.update(fields)
    version = publish_policy(event, **values)
    db.session.commit()
    return version


def test_publishing_numbers_versions_and_keeps_the_old_ones(make_event):
    event = make_event()
    first = _publish(event)
    second = _publish(event, text=LocalizedText({"pl": "Polityka v2", "en": "Policy v2"}))
    assert (first.number, second.number) == (1, 2)
    assert [v.number for v in policy_versions(event)] == [2, 1]
    assert current_policy(event).id == second.id
    db.session.expire_all()
    assert db.session.get(PrivacyPolicyVersion, first.id).text.exact("en") == "Policy v1"


def test_a_consent_records_the_version_the_person_saw(make_event, make_ticket_type, sign_up):
    event = make_event()
    ticket = make_ticket_type(event)
    first = _publish(event)
    early = sign_up(event, ticket)
    second = _publish(event, text="New text")
    late = sign_up(event, ticket)
    assert (early.privacy_policy_version_id, early.privacy_policy_version) == (first.id, "1")
    assert (late.privacy_policy_version_id, late.privacy_policy_version) == (second.id, "2")


def test_publishing_a_new_version_does_not_rewrite_old_consents(make_event, make_ticket_type,
                                                                 sign_up):
    event = make_event()
    first = _publish(event)
    registration = sign_up(event, make_ticket_type(event))
    _publish(event, text="Changed")
    db.session.expire_all()
    registration = db.session.get(Registration, registration.id)
    assert registration.privacy_policy_version_id == first.id


def test_without_versions_the_consent_keeps_the_settings_label(make_event, make_ticket_type,
                                                               sign_up):
    event = make_event(privacy_policy_version="2026-01")
    registration = sign_up(event, make_ticket_type(event))
    assert registration.privacy_policy_version == "2026-01"
    assert registration.privacy_policy_version_id is None


def test_a_version_accepted_by_someone_cannot_be_deleted(make_event, make_ticket_type, sign_up):
    event = make_event()
    version = _publish(event)
    sign_up(event, make_ticket_type(event))
    with pytest.raises(PolicyVersionInUse) as error:
        delete_policy_version(version)
    assert error.value.details["consents"] == 1
    db.session.rollback()
    assert db.session.get(PrivacyPolicyVersion, version.id) is not None


def test_the_database_refuses_to_delete_a_version_with_consents(make_event, make_ticket_type,
                                                                sign_up):
    event = make_event()
    version = _publish(event)
    sign_up(event, make_ticket_type(event))
    with pytest.raises(IntegrityError):
        db.session.execute(sa.delete(PrivacyPolicyVersion).where(
            PrivacyPolicyVersion.id == version.id))
        db.session.flush()
    db.session.rollback()


def test_an_unused_version_can_be_deleted_and_the_previous_one_is_current_again(make_event):
    event = make_event()
    first = _publish(event)
    mistake = _publish(event, text="Typo")
    delete_policy_version(mistake)
    db.session.commit()
    assert current_policy(event).id == first.id
    assert event.privacy_policy_version == "1"


def test_a_policy_needs_a_controller(make_event):
    with pytest.raises(InvalidPolicy) as error:
        publish_policy(make_event(), controller_name="  ", text="Policy")
    assert error.value.details["field"] == "controller_name"


def test_a_policy_needs_text_or_address_in_the_default_language(make_event):
    event = make_event(language="pl")
    with pytest.raises(InvalidPolicy) as error:
        publish_policy(event, controller_name="LSC", text=LocalizedText({"en": "Only English"}))
    assert error.value.details["field"] == "text"


def test_a_policy_address_must_be_a_web_address(make_event):
    with pytest.raises(InvalidPolicy) as error:
        publish_policy(make_event(), controller_name="LSC", url="javascript:alert(1)")
    assert error.value.details["field"] == "url"


def test_a_policy_given_only_by_address_is_accepted(make_event):
    event = make_event()
    version = _publish(event, text="", url="https://example.org/privacy")
    assert version.url == "https://example.org/privacy"
