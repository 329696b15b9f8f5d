"""One-click unsubscribe from an event's announcements (RFC 8058).

The link's secret is an HMAC of the event and the address under the app's secret key: it
needs no table of tokens, cannot be guessed (128 bits), and names one address of one event.
Transactional mail never asks; announcements skip unsubscribed addresses when queued and
again when delivered.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac

from flask import current_app
from sqlalchemy.exc import IntegrityError

from conference.extensions import db
from conference.models import Event, Unsubscribe
from conference.models.types import utcnow
from conference.services import DomainError
from conference.urls import absolute_url

#: Bytes of the HMAC kept in the link (128 bits).
SIGNATURE_BYTES = 16


class InvalidUnsubscribeLink(DomainError):
    code = "invalid_unsubscribe_link"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(event_id: int, address: str) -> bytes:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    message = f"unsubscribe:{event_id}:{address}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def normalized(address: str) -> str:
    return address.strip().lower()


def unsubscribe_token(event: Event, address: str) -> str:
    """``<address>.<signature>``, both base64url: the secret part of the link."""
    address = normalized(address)
    return f"{_b64(address.encode())}.{_b64(_signature(event.id, address))}"


def unsubscribe_url(event: Event, address: str) -> str:
    return absolute_url("unsubscribe.unsubscribe", slug=event.slug,
                        unsubscribe_token=unsubscribe_token(event, address))


def address_of_token(event: Event, token: str) -> str:
    """The address the token was made for; InvalidUnsubscribeLink for anything else."""
    encoded, _, signature = (token or "")[:1000].partition(".")
    try:
        address = _unb64(encoded).decode("utf-8")
        given = _unb64(signature)
    except (binascii.Error, ValueError):
        raise InvalidUnsubscribeLink("invalid_unsubscribe_link") from None
    if not address or address != normalized(address) or \
            not hmac.compare_digest(given, _signature(event.id, address)):
        raise InvalidUnsubscribeLink("invalid_unsubscribe_link")
    return address


def unsubscribe(event: Event, address: str, now: dt.datetime | None = None) -> bool:
    """Record that ``address`` wants no more announcements of ``event``; commits. Returns
    False when it had already unsubscribed (a second click changes nothing)."""
    address = normalized(address)
    if is_unsubscribed(event.id, address):
        return False
    savepoint = db.session.begin_nested()
    db.session.add(Unsubscribe(event_id=event.id, email=address, created_at=now or utcnow()))
    try:
        savepoint.commit()
    except IntegrityError:  # a second click at the same moment
        savepoint.rollback()
        return False
    db.session.commit()
    return True


def is_unsubscribed(event_id: int | None, address: str) -> bool:
    if event_id is None:
        return False
    return db.session.execute(
        db.select(Unsubscribe.id).where(Unsubscribe.event_id == event_id,
                                        Unsubscribe.email == normalized(address))
    ).first() is not None


def unsubscribed_addresses(event: Event) -> set[str]:
    """The event's unsubscribed addresses (lower-case)."""
    return set(db.session.execute(
        db.select(Unsubscribe.email).where(Unsubscribe.event_id == event.id)).scalars())
