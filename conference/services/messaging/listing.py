"""What organizers see of the outbox: an event's messages and one person's messages."""

from __future__ import annotations

from conference.extensions import db
from conference.models import Event, OutboxMessage, OutboxStatus

#: The most messages one list shows (newest first).
LIST_LIMIT = 500


def event_messages(event: Event, status: OutboxStatus | None = None,
                   limit: int = LIST_LIMIT) -> list[OutboxMessage]:
    """The event's messages, newest first, optionally of one status."""
    query = db.select(OutboxMessage).where(OutboxMessage.event_id == event.id)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.execute(
        query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    ).scalars())


def messages_to(event: Event, recipient: str, limit: int = LIST_LIMIT) -> list[OutboxMessage]:
    """The event's messages to one address (case-insensitive), newest first."""
    return list(db.session.execute(
        db.select(OutboxMessage)
        .where(OutboxMessage.event_id == event.id,
               db.func.lower(OutboxMessage.recipient) == recipient.strip().lower())
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).scalars())


def status_counts(event: Event) -> dict[OutboxStatus, int]:
    """How many of the event's messages are in each status (every status present)."""
    rows = db.session.execute(
        db.select(OutboxMessage.status, db.func.count())
        .where(OutboxMessage.event_id == event.id)
        .group_by(OutboxMessage.status)
    ).all()
    counts = dict.fromkeys(OutboxStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts
