"""Participant indicators for the funder, from the check-in records: unique participants,
per country, per organisation type, per day, per session, and the international share."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from conference.extensions import db
from conference.models import CheckIn, Event, Registration
from conference.services.reports.attendance import checked_in_sessions

#: The host country: participants from elsewhere count as international.
HOME_COUNTRY = "PL"


@dataclass
class Indicators:
    """The event's figures. Counts are of distinct people."""

    unique_participants: int = 0
    #: (ISO country code or "", people), most first.
    per_country: list[tuple[str, int]] = field(default_factory=list)
    #: (organisation type key or "", people), most first.
    per_organisation_type: list[tuple[str, int]] = field(default_factory=list)
    #: (event-local date, people), in date order, every event day.
    per_day: list[tuple[dt.date, int]] = field(default_factory=list)
    #: (Session, people), in programme order.
    per_session: list[tuple[object, int]] = field(default_factory=list)
    #: People from a country other than the host country (unknown country: not counted).
    international: int = 0
    #: People whose country is not known.
    unknown_country: int = 0

    @property
    def international_share(self) -> float:
        """International people as a share of all unique participants (0..1)."""
        return self.international / self.unique_participants if self.unique_participants else 0.0


def _most_first(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def compute_indicators(event: Event) -> Indicators:
    """The figures, in a few grouped queries (no row per check-in reaches Python but the
    per-day pairs, which are at most one per person and day under any rule)."""
    result = Indicators()
    people = db.session.execute(
        sa.select(Registration.id, Registration.country, Registration.organisation_type)
        .where(Registration.id.in_(
            sa.select(CheckIn.registration_id).where(CheckIn.event_id == event.id)))).all()
    result.unique_participants = len(people)
    countries = Counter((country or "").upper() for _id, country, _type in people)
    result.per_country = _most_first(countries)
    result.per_organisation_type = _most_first(Counter(kind or "" for *_rest, kind in people))
    result.unknown_country = countries.get("", 0)
    result.international = sum(count for code, count in countries.items()
                               if code not in ("", HOME_COUNTRY))
    days: dict[dt.date, set[int]] = defaultdict(set)
    for registration_id, at in db.session.execute(
            sa.select(CheckIn.registration_id, CheckIn.checked_in_at)
            .where(CheckIn.event_id == event.id)):
        days[_aware(at).astimezone(event.tz).date()].add(registration_id)
    all_days = sorted(set(event.days) | set(days))
    result.per_day = [(day, len(days.get(day, ()))) for day in all_days]
    per_scope = dict(db.session.execute(
        sa.select(CheckIn.scope, sa.func.count(sa.distinct(CheckIn.registration_id)))
        .where(CheckIn.event_id == event.id).group_by(CheckIn.scope)).all())
    result.per_session = [(session, per_scope.get(f"session:{session.id}", 0))
                          for session in checked_in_sessions(event)]
    return result
