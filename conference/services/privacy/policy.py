"""An event's privacy policy: published versions, never rewritten.

Publishing makes version N+1 and leaves every older version as it was, so a consent keeps
the exact text the person accepted (``Registration.privacy_policy_version_id``). A version
may be deleted only while no consent refers to it (a version published by mistake).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from conference.content import LocalizedText, clean_text
from conference.extensions import db
from conference.models import Event, PrivacyPolicyVersion, Registration
from conference.models.types import utcnow
from conference.services import DomainError

#: Longest policy text per language (characters of Markdown).
TEXT_MAX = 60_000


class PolicyError(DomainError):
    code = "policy_error"


class InvalidPolicy(PolicyError):
    """A required part is missing or malformed; ``details["field"]`` names the form field."""

    code = "invalid_policy"


class PolicyVersionInUse(PolicyError):
    """Consents refer to the version: deleting it would lose what people accepted."""

    code = "policy_version_in_use"


def policy_versions(event: Event) -> list[PrivacyPolicyVersion]:
    """Every published version of the event's policy, newest first."""
    return list(db.session.execute(
        sa.select(PrivacyPolicyVersion).where(PrivacyPolicyVersion.event_id == event.id)
        .order_by(PrivacyPolicyVersion.number.desc())).scalars())


def current_policy(event: Event) -> PrivacyPolicyVersion | None:
    """The newest published version, the one new consents accept; None before the first."""
    return db.session.execute(
        sa.select(PrivacyPolicyVersion).where(PrivacyPolicyVersion.event_id == event.id)
        .order_by(PrivacyPolicyVersion.number.desc()).limit(1)).scalar_one_or_none()


def policy_version(event: Event, number: int) -> PrivacyPolicyVersion | None:
    return db.session.execute(
        sa.select(PrivacyPolicyVersion).filter_by(event_id=event.id, number=number)
    ).scalar_one_or_none()


def _check_url(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 500:
        raise InvalidPolicy(str(_l("Enter a web address starting with https://.")), field=field)
    return value


def publish_policy(event: Event, *, controller_name: str, controller_address: str = "",
                   controller_contact: str = "", text=None, url=None, by_user=None,
                   now: dt.datetime | None = None) -> PrivacyPolicyVersion:
    """Publish a new version of the event's policy (does not commit).

    ``text`` (Markdown) and ``url`` are per language (LocalizedText or str); each language
    needs one of them, at least the event's default language. Raises InvalidPolicy.
    """
    name = (controller_name or "").strip()
    if not name or len(name) > 200:
        raise InvalidPolicy(str(_l("Name the data controller (at most 200 characters).")),
                            field="controller_name")
    address = (controller_address or "").strip()
    contact = (controller_contact or "").strip()
    if len(address) > 500:
        raise InvalidPolicy(str(_l("The address is too long.")), field="controller_address")
    if len(contact) > 254:
        raise InvalidPolicy(str(_l("The contact is too long.")), field="controller_contact")
    text = clean_text(text)
    if any(len(value) > TEXT_MAX for value in text.translations().values()):
        raise InvalidPolicy(str(_l("The policy text is too long.")), field="text")
    url = clean_text(url)
    url = LocalizedText({code: _check_url(value, "url")
                         for code, value in url.translations().items()})
    if not (text.exact(event.language) or url.exact(event.language)):
        raise InvalidPolicy(str(_l("Give the policy text or its address, at least in the "
                                   "event's default language.")), field="text")
    number = (db.session.execute(
        sa.select(sa.func.max(PrivacyPolicyVersion.number))
        .where(PrivacyPolicyVersion.event_id == event.id)).scalar() or 0) + 1
    version = PrivacyPolicyVersion(
        event_id=event.id, number=number, controller_name=name, controller_address=address,
        controller_contact=contact, text=text, url=url, published_at=now or utcnow(),
        published_by_id=getattr(by_user, "id", None))
    db.session.add(version)
    # The version label shown on the registration form and in exports follows the rows.
    event.privacy_policy_version = str(number)
    db.session.flush()
    return version


def consent_count(version: PrivacyPolicyVersion) -> int:
    """How many registrations accepted this version."""
    return db.session.execute(
        sa.select(sa.func.count()).select_from(Registration)
        .where(Registration.privacy_policy_version_id == version.id)).scalar_one()


def delete_policy_version(version: PrivacyPolicyVersion) -> None:
    """Delete a version nobody has accepted (does not commit).

    Raises PolicyVersionInUse when consents refer to it: what people accepted must be kept
    (the database refuses too: the foreign key is RESTRICT).
    """
    count = consent_count(version)
    if count:
        raise PolicyVersionInUse(
            str(_l("Version %(number)s cannot be deleted: %(count)s registrations accepted "
                   "it, and what they accepted must be kept. Publish a new version instead.",
                   number=version.number, count=count)), consents=count)
    event = version.event
    db.session.delete(version)
    db.session.flush()
    newest = current_policy(event)
    if newest is not None:
        event.privacy_policy_version = str(newest.number)


def record_consent(registration: Registration, event: Event) -> None:
    """Mark that the person accepted the event's current policy: its version row when the
    event publishes versions, else the free version label of the settings."""
    version = current_policy(event)
    if version is not None:
        registration.privacy_policy_version_id = version.id
        registration.privacy_policy_version = str(version.number)
    else:
        registration.privacy_policy_version = event.privacy_policy_version


def policy_url_for(event: Event, language: str | None) -> str:
    """Where the current policy is read: its own address in ``language`` if it has one,
    else "" (our page /e/<slug>/privacy shows it)."""
    version = current_policy(event)
    if version is None:
        return event.privacy_policy_url
    return version.url.in_language(language, event.language) if version.url else ""
