"""The partnering desk: badges scanned at a table mark the meeting held.

The desk keeps no state between scans: the scanner page holds the first badge's code and
sends it along with the second one. The first scan shows the person's meeting now (table,
partner) and waits; the partner's badge within the meeting's slot (or the desk margin
around it) marks it held. Refusals are ``DeskScanRefused`` with a stable code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from conference.extensions import db
from conference.models import (
    Event,
    MeetingOutcome,
    MeetingRequest,
    PartneringProfile,
    Registration,
)
from conference.models.types import utcnow
from conference.services.checkin.core import normalise_code
from conference.services.partnering.errors import DeskScanRefused
from conference.services.partnering.meetings import meeting_at, next_meeting, record_outcome

#: Reason codes of refused desk scans (the JSON API answers them with a 4xx).
REFUSAL_CODES = ("malformed", "unknown_code", "wrong_event", "not_a_participant",
                 "no_meeting_now", "not_partners")


@dataclass
class DeskResult:
    """What the desk shows after a scan: ``waiting`` (first badge read), ``held`` (the
    partner's badge marked the meeting held) or ``already_held``."""

    code: str
    profile: PartneringProfile
    meeting: MeetingRequest

    @property
    def partner(self) -> PartneringProfile:
        """The other side of the meeting."""
        return self.meeting.other(self.profile.id)


def _profile_for_code(event: Event, raw: object) -> PartneringProfile:
    code = normalise_code(raw)
    if code is None:
        raise DeskScanRefused("malformed")
    registration = db.session.execute(
        db.select(Registration).filter_by(ticket_code=code)).scalar_one_or_none()
    if registration is None:
        raise DeskScanRefused("unknown_code")
    if registration.event_id != event.id:
        raise DeskScanRefused("wrong_event")
    profile = db.session.execute(
        db.select(PartneringProfile).filter_by(registration_id=registration.id, left_at=None)
    ).scalar_one_or_none()
    if profile is None:
        raise DeskScanRefused("not_a_participant", name=registration.full_name)
    return profile


def desk_scan(event: Event, code: object, *, first_code: object = None,
              now: dt.datetime | None = None) -> DeskResult:
    """Judge a badge scanned at the desk. Without ``first_code`` it is the first badge of a
    meeting; with it, the second: if the two are the sides of the meeting running now, the
    meeting is marked held (a second pair of scans changes nothing)."""
    now = now or utcnow()
    profile = _profile_for_code(event, code)
    meeting = meeting_at(profile, now)
    if meeting is None:
        upcoming = next_meeting(profile, now)
        raise DeskScanRefused("no_meeting_now", name=profile.registration.full_name,
                              next_meeting=upcoming)
    if first_code is None:
        already = meeting.outcome is MeetingOutcome.HELD
        return DeskResult("already_held" if already else "waiting", profile, meeting)
    first = _profile_for_code(event, first_code)
    if first.id == profile.id or first.id not in (meeting.requester_id, meeting.recipient_id):
        raise DeskScanRefused("not_partners", name=profile.registration.full_name)
    if meeting.outcome is MeetingOutcome.HELD:
        return DeskResult("already_held", profile, meeting)
    record_outcome(meeting, MeetingOutcome.HELD, now=now)
    return DeskResult("held", profile, meeting)
