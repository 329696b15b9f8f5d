"""Partnering figures for the organizer and the funder: requests by state, meetings
scheduled, held and missed, meetings per country pair and per sector, the international
share, ratings and planned follow-ups.

Words as used here: a *meeting* is a request that was accepted (``accepted`` counts the
ones cancelled later too); *scheduled* ones are accepted and placed in a slot at a table;
*held* and *no-show* are the outcomes marked at the desk.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.orm import joinedload

from conference.extensions import db
from conference.i18n import country_name
from conference.models import (
    Event,
    MeetingOutcome,
    MeetingRating,
    MeetingRequest,
    PartneringProfile,
    RequestState,
)
from conference.services.registration.export import neutralise
from conference.services.reports.indicators import HOME_COUNTRY


@dataclass
class PairCount:
    """Meetings between two countries (or two sectors' people): scheduled and held."""

    key: tuple[str, ...]
    scheduled: int = 0
    held: int = 0


@dataclass
class PartneringStats:
    """Every figure of the statistics page and workbook."""

    requests_sent: int = 0
    pending: int = 0
    accepted: int = 0
    declined: int = 0
    withdrawn: int = 0
    cancelled: int = 0
    scheduled: int = 0
    held: int = 0
    no_shows: int = 0
    participants: int = 0
    #: Scheduled (and held) meetings with at least one side from abroad (not PL, known).
    international_scheduled: int = 0
    international_held: int = 0
    #: Scheduled (and held) meetings whose two sides come from two different countries.
    cross_border_scheduled: int = 0
    cross_border_held: int = 0
    ratings: int = 0
    average_rating: float | None = None
    follow_ups: int = 0
    #: Unordered country pairs ("" = not given), most meetings first.
    per_country_pair: list[PairCount] = field(default_factory=list)
    #: Per sector: meetings where at least one side works in it.
    per_sector: list[PairCount] = field(default_factory=list)

    @property
    def international_share(self) -> float:
        """Share of scheduled meetings with a side from abroad (0 without meetings)."""
        return self.international_scheduled / self.scheduled if self.scheduled else 0.0

    @property
    def international_held_share(self) -> float:
        """Share of held meetings with a side from abroad (0 without held meetings)."""
        return self.international_held / self.held if self.held else 0.0

    @property
    def follow_up_share(self) -> float:
        """Share of ratings that say a follow-up is planned."""
        return self.follow_ups / self.ratings if self.ratings else 0.0


def _is_abroad(country: str) -> bool:
    return country not in ("", HOME_COUNTRY)


def partnering_stats(event: Event) -> PartneringStats:
    """The event's partnering figures, computed from the meeting requests and ratings."""
    result = PartneringStats()
    states = Counter(dict(db.session.execute(
        db.select(MeetingRequest.state, sa.func.count())
        .where(MeetingRequest.event_id == event.id).group_by(MeetingRequest.state)).all()))
    result.requests_sent = sum(states.values())
    result.pending = states[RequestState.PENDING]
    result.declined = states[RequestState.DECLINED]
    result.withdrawn = states[RequestState.WITHDRAWN]
    result.cancelled = states[RequestState.CANCELLED]
    result.accepted = states[RequestState.ACCEPTED] + states[RequestState.CANCELLED]
    result.participants = db.session.execute(
        db.select(sa.func.count()).select_from(PartneringProfile)
        .where(PartneringProfile.event_id == event.id, PartneringProfile.left_at.is_(None))
    ).scalar_one()

    scheduled = db.session.execute(
        db.select(MeetingRequest)
        .where(MeetingRequest.event_id == event.id,
               MeetingRequest.state == RequestState.ACCEPTED,
               MeetingRequest.slot_id.is_not(None))
        .options(joinedload(MeetingRequest.requester), joinedload(MeetingRequest.recipient))
    ).scalars().all()
    pairs: dict[tuple[str, ...], PairCount] = {}
    sectors: dict[tuple[str, ...], PairCount] = {}
    for meeting in scheduled:
        held = meeting.outcome is MeetingOutcome.HELD
        result.scheduled += 1
        result.held += held
        result.no_shows += meeting.outcome is MeetingOutcome.NO_SHOW
        a, b = meeting.requester.country, meeting.recipient.country
        abroad = _is_abroad(a) or _is_abroad(b)
        cross = bool(a and b and a != b)
        result.international_scheduled += abroad
        result.international_held += abroad and held
        result.cross_border_scheduled += cross
        result.cross_border_held += cross and held
        key = tuple(sorted((a, b)))
        pair = pairs.setdefault(key, PairCount(key))
        pair.scheduled += 1
        pair.held += held
        for sector in set(meeting.requester.sector_list) | set(meeting.recipient.sector_list):
            count = sectors.setdefault((sector,), PairCount((sector,)))
            count.scheduled += 1
            count.held += held
    result.per_country_pair = sorted(pairs.values(), key=lambda p: (-p.scheduled, p.key))
    result.per_sector = sorted(sectors.values(), key=lambda p: (-p.scheduled, p.key))

    count, average, follow_ups = db.session.execute(
        db.select(sa.func.count(MeetingRating.id), sa.func.avg(MeetingRating.rating),
                  sa.func.sum(sa.case((MeetingRating.follow_up.is_(True), 1), else_=0)))
        .join(MeetingRequest, MeetingRequest.id == MeetingRating.request_id)
        .where(MeetingRequest.event_id == event.id)).one()
    result.ratings = count
    result.average_rating = round(float(average), 2) if average is not None else None
    result.follow_ups = int(follow_ups or 0)
    return result


def _cell(value):
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _percent(share: float) -> float:
    return round(share * 100, 1)


def stats_xlsx(stats: PartneringStats, *, language: str) -> bytes:
    """The figures as a workbook: a summary sheet, country pairs and sectors."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(str(_l("Summary"))[:31])
    summary.append([str(_l("Indicator")), str(_l("Value"))])
    for label, value in summary_rows(stats):
        summary.append([str(label), value])
    pairs = workbook.create_sheet(str(_l("Country pairs"))[:31])
    pairs.append([str(_l("Country")), str(_l("Country")), str(_l("Scheduled")),
                  str(_l("Held"))])
    for pair in stats.per_country_pair:
        names = [country_name(code, language) if code else str(_l("not given"))
                 for code in pair.key]
        pairs.append([_cell(names[0]), _cell(names[1]), pair.scheduled, pair.held])
    sectors = workbook.create_sheet(str(_l("Sectors"))[:31])
    sectors.append([str(_l("Sector")), str(_l("Scheduled")), str(_l("Held"))])
    for sector in stats.per_sector:
        sectors.append([_cell(sector.key[0]), sector.scheduled, sector.held])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def summary_rows(stats: PartneringStats) -> list[tuple[object, object]]:
    """(label, value) of each headline figure, as the page and the workbook show them."""
    return [
        (_l("Participants in partnering"), stats.participants),
        (_l("Requests sent"), stats.requests_sent),
        (_l("Pending"), stats.pending),
        (_l("Accepted (including later cancelled)"), stats.accepted),
        (_l("Declined"), stats.declined),
        (_l("Withdrawn"), stats.withdrawn),
        (_l("Cancelled after acceptance"), stats.cancelled),
        (_l("Scheduled meetings"), stats.scheduled),
        (_l("Held"), stats.held),
        (_l("No-shows"), stats.no_shows),
        (_l("International meetings (a side from abroad)"), stats.international_scheduled),
        (_l("International share of scheduled meetings (%)"),
         _percent(stats.international_share)),
        (_l("International share of held meetings (%)"),
         _percent(stats.international_held_share)),
        (_l("Cross-border meetings (two countries)"), stats.cross_border_scheduled),
        (_l("Cross-border meetings held"), stats.cross_border_held),
        (_l("Ratings"), stats.ratings),
        (_l("Average rating (1-5)"), stats.average_rating if stats.average_rating else "–"),
        (_l("Follow-up planned (percent of ratings)"), _percent(stats.follow_up_share)),
    ]
