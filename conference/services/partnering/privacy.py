"""Partnering data under the privacy rules: what anonymisation blanks, and what a person's
data export contains.

Anonymisation blanks the free texts (profile description, need texts, request messages
and reasons, rating comments) of the people anonymised, on both sides of their requests,
since the other side's words may name them. It keeps country, organisation type,
sectors, cooperation types, states, placements, outcomes and ratings: the funder's
statistics need them.
"""

from __future__ import annotations

import sqlalchemy as sa

from conference.extensions import db
from conference.models import (
    MeetingRating,
    MeetingRequest,
    PartneringNeed,
    PartneringProfile,
    Registration,
)


def anonymise_partnering(registration_ids) -> None:
    """Blank the partnering texts of these registrations (a list of ids or a SELECT of
    them) in the current transaction, set-based (one statement per table)."""
    profile_ids = db.select(PartneringProfile.id).where(
        PartneringProfile.registration_id.in_(registration_ids))
    options = {"synchronize_session": False}
    db.session.execute(sa.update(PartneringProfile)
                       .where(PartneringProfile.id.in_(profile_ids))
                       .values(description="").execution_options(**options))
    db.session.execute(sa.update(PartneringNeed)
                       .where(PartneringNeed.profile_id.in_(profile_ids))
                       .values(text="").execution_options(**options))
    theirs = sa.or_(MeetingRequest.requester_id.in_(profile_ids),
                    MeetingRequest.recipient_id.in_(profile_ids))
    db.session.execute(sa.update(MeetingRequest).where(theirs)
                       .values(message="", reason="").execution_options(**options))
    db.session.execute(
        sa.update(MeetingRating)
        .where(sa.or_(MeetingRating.profile_id.in_(profile_ids),
                      MeetingRating.request_id.in_(db.select(MeetingRequest.id).where(theirs))))
        .values(comment="").execution_options(**options))
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, PartneringProfile | PartneringNeed | MeetingRequest | MeetingRating):
            db.session.expire(obj)


def partnering_data(registration: Registration) -> dict | None:
    """The person's partnering profile, needs, requests and ratings for their data export
    (None if they never joined)."""
    profile = db.session.execute(
        db.select(PartneringProfile).filter_by(registration_id=registration.id)
    ).scalar_one_or_none()
    if profile is None:
        return None

    def when(value):
        return value.isoformat() if value else None

    requests = db.session.execute(
        db.select(MeetingRequest).where(sa.or_(MeetingRequest.requester_id == profile.id,
                                               MeetingRequest.recipient_id == profile.id))
        .order_by(MeetingRequest.created_at, MeetingRequest.id)).scalars().all()
    ratings = db.session.execute(
        db.select(MeetingRating).filter_by(profile_id=profile.id)
        .order_by(MeetingRating.id)).scalars().all()
    return {
        "profile": {"organisation_type": profile.organisation_type,
                    "country": profile.country, "sectors": profile.sector_list,
                    "description": profile.description, "joined_at": when(profile.joined_at),
                    "left_at": when(profile.left_at)},
        "needs": [{"kind": need.kind.value, "cooperation_type": need.cooperation_type,
                   "text": need.text} for need in profile.needs],
        "requests": [{"direction": "sent" if r.requester_id == profile.id else "received",
                      "with": r.other(profile.id).registration.full_name,
                      "state": r.state.value, "message": r.message, "reason": r.reason,
                      "sent_at": when(r.created_at), "answered_at": when(r.answered_at),
                      "outcome": r.outcome.value if r.outcome else None}
                     for r in requests],
        "ratings": [{"request_id": rating.request_id, "rating": rating.rating,
                     "follow_up": rating.follow_up, "comment": rating.comment}
                    for rating in ratings],
    }
