"""The organizer's view of partnering: counts for the hub page, the participants list and
its CSV/XLSX export (personal data: the route logs every export)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.orm import selectinload

from conference.extensions import db
from conference.i18n import country_name
from conference.models import (
    Event,
    MeetingRequest,
    PartneringProfile,
    Registration,
    RequestState,
)
from conference.services.registration.export import neutralise


@dataclass
class ParticipantRow:
    """One active participant with their request and meeting counts."""

    profile: PartneringProfile
    sent: int
    received: int
    meetings: int


@dataclass
class HubCounts:
    """The hub page's figures."""

    participants: int
    left: int
    requests: dict[str, int]


def hub_counts(event: Event) -> HubCounts:
    """Active and departed participants, and requests per state."""
    profiles = Counter(
        row.left_at is None for row in db.session.execute(
            db.select(PartneringProfile.left_at).filter_by(event_id=event.id)))
    states = dict(db.session.execute(
        db.select(MeetingRequest.state, sa.func.count()).filter_by(event_id=event.id)
        .group_by(MeetingRequest.state)).all())
    return HubCounts(participants=profiles[True], left=profiles[False],
                     requests={state.value: states.get(state, 0) for state in RequestState})


def participant_rows(event: Event) -> list[ParticipantRow]:
    """Active participants by organisation and name, with requests sent, received and
    accepted meetings."""
    profiles = db.session.execute(
        db.select(PartneringProfile)
        .join(Registration, Registration.id == PartneringProfile.registration_id)
        .where(PartneringProfile.event_id == event.id, PartneringProfile.left_at.is_(None))
        .order_by(Registration.organization, Registration.last_name, PartneringProfile.id)
        .options(selectinload(PartneringProfile.registration),
                 selectinload(PartneringProfile.needs))).scalars().all()
    sent, received, meetings = Counter(), Counter(), Counter()
    for requester, recipient, state in db.session.execute(
            db.select(MeetingRequest.requester_id, MeetingRequest.recipient_id,
                      MeetingRequest.state).filter_by(event_id=event.id)):
        sent[requester] += 1
        received[recipient] += 1
        if state is RequestState.ACCEPTED:
            meetings[requester] += 1
            meetings[recipient] += 1
    return [ParticipantRow(p, sent[p.id], received[p.id], meetings[p.id]) for p in profiles]


COLUMNS = (_l("Name"), _l("Email"), _l("Organisation"), _l("Country"),
           _l("Type of organisation"), _l("Sectors"), _l("Offers"), _l("Looks for"),
           _l("Requests sent"), _l("Requests received"), _l("Meetings"))


def export_rows(event: Event) -> list[list]:
    """The header and one row per active participant, safe for spreadsheets."""
    rows = [[str(c) for c in COLUMNS]]
    for row in participant_rows(event):
        profile, registration = row.profile, row.profile.registration
        offers = "; ".join(n.cooperation_type for n in profile.needs if n.kind.value == "offer")
        wants = "; ".join(n.cooperation_type for n in profile.needs
                          if n.kind.value == "request")
        rows.append([registration.full_name, registration.email, registration.organization,
                     country_name(profile.country), profile.organisation_type,
                     "; ".join(profile.sector_list), offers, wants, row.sent, row.received,
                     row.meetings])
    return [[neutralise(value) for value in line] for line in rows]


def export_csv(event: Event) -> tuple[bytes, int]:
    """The participants as CSV (UTF-8 with a BOM) and how many rows."""
    rows = export_rows(event)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig"), len(rows) - 1


def export_xlsx(event: Event) -> tuple[bytes, int]:
    """The participants as an Excel workbook and how many rows."""
    rows = export_rows(event)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_l("Partnering"))[:31])
    for line in rows:
        sheet.append([neutralise(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v
                      for v in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), len(rows) - 1
