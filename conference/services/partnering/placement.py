"""Running the scheduler on an event, adjusting its answer by hand, and publishing it.

Every change takes the row lock on the event's ``PartneringSettings`` (``SELECT ... FOR
UPDATE``; SQLite serialises writers) and raises ``schedule_version``. An organizer's action
carries the version their page showed (``expected_version``); when another change came in
between, it is refused (StaleSchedule) instead of overwriting what they have not seen. Two
organizers running the scheduler at once therefore never double-book: the second waits for
the lock, then is refused (stale version) or runs on the fresh data.

After publishing, moves, swaps and unplacing email the two people concerned, and
``place_new_meeting`` gives a newly accepted meeting the earliest free slot.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from conference.extensions import db
from conference.models import (
    Event,
    Job,
    MeetingRequest,
    PartneringProfile,
    PartneringSettings,
    PartneringSlot,
    RequestState,
    User,
)
from conference.models.types import utcnow
from conference.services.jobs.core import start_job
from conference.services.partnering import scheduler
from conference.services.partnering.availability import busy_by_profile
from conference.services.partnering.errors import (
    AlreadyPublished,
    NotPlaceable,
    StaleSchedule,
    UnknownSlot,
)
from conference.services.partnering.notices import (
    tell_change,
    tell_no_slot_left,
    tell_schedule,
    tell_unplaced,
)
from conference.services.partnering.windows import settings_of, slots_of

JOB_KIND = "partnering.schedule"


# --- reading ---------------------------------------------------------------------------


def meetings_of(event: Event) -> list[MeetingRequest]:
    """The event's accepted meetings between two active participants."""
    meetings = db.session.execute(
        db.select(MeetingRequest).where(MeetingRequest.event_id == event.id,
                                        MeetingRequest.state == RequestState.ACCEPTED)
        .options(selectinload(MeetingRequest.requester).selectinload(
                     PartneringProfile.registration),
                 selectinload(MeetingRequest.recipient).selectinload(
                     PartneringProfile.registration))
        .order_by(MeetingRequest.id)).scalars().all()
    return [m for m in meetings if m.requester.is_active and m.recipient.is_active]


def run_summary(settings: PartneringSettings) -> dict:
    """The last run's summary (empty before the first run)."""
    try:
        summary = json.loads(settings.last_run_summary or "{}")
    except ValueError:
        return {}
    return summary if isinstance(summary, dict) else {}


def build_problem(event: Event, settings: PartneringSettings,
                  meetings: list[MeetingRequest], slots: list[PartneringSlot],
                  time_limit: float | None = None) -> scheduler.Problem:
    """The scheduler's plain-data view of the event."""
    profiles = {m.requester_id: m.requester for m in meetings}
    profiles.update({m.recipient_id: m.recipient for m in meetings})
    busy = busy_by_profile(event.id, list(profiles.values()), slots)
    config = current_app.config
    return scheduler.Problem(
        slot_ids=[slot.id for slot in slots], tables=settings.table_count,
        meetings=[scheduler.MeetingInput(m.id, m.requester_id, m.recipient_id, m.slot_id,
                                         m.table_number, m.locked) for m in meetings],
        busy={person: frozenset(ids) for person, ids in busy.items()},
        time_limit=time_limit if time_limit is not None
        else float(config.get("PARTNERING_SOLVER_SECONDS", 20)),
        workers=int(config.get("PARTNERING_SOLVER_WORKERS", 2)))


# --- the scheduler run --------------------------------------------------------------------


def start_schedule_run(event: Event, *, user: User | None, expected_version: int | None,
                       now: dt.datetime | None = None) -> tuple[Job, bool]:
    """Queue a scheduler run as a job (or join the one under way). Flushes; the caller
    commits and dispatches."""
    return start_job(JOB_KIND, event=event, user=user, dedupe_key=f"{JOB_KIND}:{event.id}",
                     params={"expected_version": expected_version}, total=1, now=now)


def run_schedule_job(job: Job, progress) -> None:
    """The job's work: one scheduler run with the version the organizer saw."""
    run_schedule(job.event, expected_version=job.params.get("expected_version"))
    db.session.commit()
    progress(1, 1)


def run_schedule(event: Event, *, expected_version: int | None = None,
                 time_limit: float | None = None,
                 now: dt.datetime | None = None) -> scheduler.Schedule:
    """Place the event's accepted meetings (locked ones stay), record each unplaced one's
    reason and the run's summary, and raise the version. After publishing, the people
    whose meetings changed are told. Flushes; the caller commits."""
    now = now or utcnow()
    settings = _locked_settings(event, expected_version)
    meetings = meetings_of(event)
    slots = slots_of(event)
    problem = build_problem(event, settings, meetings, slots, time_limit)
    result = scheduler.solve(problem)

    before = {m.id: (m.slot_id, m.table_number) for m in meetings}
    by_id = {m.id: m for m in meetings}
    slot_by_id = {slot.id: slot for slot in slots}
    # Clear first: a table may pass from one meeting to another (unique slot + table).
    for meeting in meetings:
        if meeting.id not in result.placements or result.placements[meeting.id] \
                != before[meeting.id]:
            meeting.slot_id = meeting.table_number = None
    db.session.flush()
    for meeting_id, (slot_id, table) in result.placements.items():
        meeting = by_id[meeting_id]
        meeting.slot_id, meeting.table_number = slot_id, table
        meeting.slot = slot_by_id[slot_id]
        meeting.unplaced_reason = ""
    for meeting_id, reason in result.unplaced.items():
        by_id[meeting_id].unplaced_reason = reason
        by_id[meeting_id].locked = False
        by_id[meeting_id].slot = None
    db.session.flush()
    if settings.published_at is not None:
        for meeting in meetings:
            old_slot, _ = before[meeting.id]
            if (meeting.slot_id, meeting.table_number) == before[meeting.id]:
                continue
            if meeting.slot_id is None:
                tell_change(meeting, "unplaced", slot=db.session.get(PartneringSlot, old_slot))
            else:
                tell_change(meeting, "moved" if old_slot else "placed")

    summary = {**run_summary(settings), **result.summary()}
    settings.last_run_at = now
    settings.last_run_summary = json.dumps(summary)
    settings.schedule_version += 1
    db.session.flush()
    return result


# --- adjusting by hand ---------------------------------------------------------------------


def move_meeting(meeting: MeetingRequest, slot: PartneringSlot, table: int, *,
                 expected_version: int | None) -> MeetingRequest:
    """Put ``meeting`` at ``table`` in ``slot``: refused (NotPlaceable) when the table is
    taken, one of the two meets someone else then, or is busy. Flushes."""
    event = meeting.requester.event
    settings = _locked_settings(event, expected_version)
    _check_accepted(meeting)
    if slot.event_id != meeting.event_id:
        raise UnknownSlot(str(_l("This slot is not one of the event's slots.")))
    if not 1 <= table <= settings.table_count:
        raise NotPlaceable(str(_l("There is no table %(number)d.", number=table)))
    _check_fits(meeting, slot, table, ignore={meeting.id})
    was_placed = meeting.slot_id is not None
    meeting.slot_id = meeting.table_number = None
    db.session.flush()
    meeting.slot, meeting.table_number = slot, table
    meeting.unplaced_reason = ""
    _changed(settings, [meeting], "moved" if was_placed else "placed")
    return meeting


def swap_meetings(first: MeetingRequest, second: MeetingRequest, *,
                  expected_version: int | None) -> None:
    """Exchange the slots and tables of two placed meetings (locks stay with the
    meetings), if both still fit afterwards. Flushes."""
    settings = _locked_settings(first.requester.event, expected_version)
    for meeting in (first, second):
        _check_accepted(meeting)
        if meeting.slot_id is None:
            raise NotPlaceable(str(_l("Only placed meetings can be swapped.")))
    if first.id == second.id or first.event_id != second.event_id:
        raise NotPlaceable(str(_l("Choose two different meetings.")))
    places = {first.id: (second.slot, second.table_number),
              second.id: (first.slot, first.table_number)}
    for meeting in (first, second):
        slot, table = places[meeting.id]
        _check_fits(meeting, slot, table, ignore={first.id, second.id})
    first.slot_id = first.table_number = second.slot_id = second.table_number = None
    db.session.flush()
    for meeting in (first, second):
        meeting.slot, meeting.table_number = places[meeting.id]
    _changed(settings, [first, second], "moved")


def set_locked(meeting: MeetingRequest, locked: bool, *, expected_version: int | None) -> None:
    """Lock a placed meeting (a re-run keeps it) or unlock it. Flushes."""
    settings = _locked_settings(meeting.requester.event, expected_version)
    _check_accepted(meeting)
    if locked and meeting.slot_id is None:
        raise NotPlaceable(str(_l("Only a placed meeting can be locked.")))
    meeting.locked = locked
    settings.schedule_version += 1
    db.session.flush()


def unplace_meeting(meeting: MeetingRequest, *, expected_version: int | None) -> None:
    """Take a meeting out of the schedule (it stays accepted). Flushes."""
    settings = _locked_settings(meeting.requester.event, expected_version)
    _check_accepted(meeting)
    if meeting.slot_id is None:
        raise NotPlaceable(str(_l("This meeting is not placed.")))
    if settings.published_at is not None:
        tell_unplaced(meeting)
    meeting.slot = None
    meeting.slot_id = meeting.table_number = None
    meeting.locked = False
    settings.schedule_version += 1
    db.session.flush()


# --- publishing ----------------------------------------------------------------------------


def publish_schedule(event: Event, *, expected_version: int | None,
                     now: dt.datetime | None = None) -> int:
    """Publish the schedule: set ``published_at``, raise the version and email every
    participant with accepted meetings their list, in their language. Publishing again
    with nothing changed since is refused (AlreadyPublished). Returns how many emails were
    queued. Flushes; the caller commits."""
    now = now or utcnow()
    settings = _locked_settings(event, expected_version)
    summary = run_summary(settings)
    if settings.published_at is not None and \
            summary.get("published_version") == settings.schedule_version:
        raise AlreadyPublished(str(_l("The schedule is already published and has not "
                                      "changed since.")))
    meetings = meetings_of(event)
    if not any(m.slot_id is not None for m in meetings):
        raise NotPlaceable(str(_l("No meeting is placed yet: run the scheduler first.")))
    per_person: dict[int, tuple[PartneringProfile, list, list]] = {}
    for meeting in meetings:
        for profile in (meeting.requester, meeting.recipient):
            entry = per_person.setdefault(profile.id, (profile, [], []))
            entry[1 if meeting.slot_id is not None else 2].append(meeting)
    for profile, placed, unplaced in per_person.values():
        tell_schedule(profile, placed, unplaced)
    settings.published_at = now
    settings.schedule_version += 1
    # Which version was published (so that publishing twice without a change is refused);
    # kept with the run summary to avoid a column of its own.
    settings.last_run_summary = json.dumps({**summary,
                                            "published_version": settings.schedule_version})
    db.session.flush()
    return len(per_person)


def place_new_meeting(meeting: MeetingRequest, *,
                      now: dt.datetime | None = None) -> PartneringSlot | None:
    """After publishing: put a newly accepted meeting in the earliest future slot where
    both people are free and a table is free (lowest table), and tell both; when none is
    left, tell both that. Does nothing before publishing (the next run places it).
    Returns the slot, or None. Flushes; the caller commits."""
    now = now or utcnow()
    event = meeting.requester.event
    settings = settings_of(event, for_update=True)
    if settings.published_at is None or meeting.state is not RequestState.ACCEPTED \
            or meeting.slot_id is not None:
        return None
    slots = [slot for slot in slots_of(event) if slot.starts_at > now]
    busy = busy_by_profile(event.id, [meeting.requester, meeting.recipient], slots)
    people = {meeting.requester_id, meeting.recipient_id}
    taken_people, taken_tables = _occupancy(event, {slot.id for slot in slots})
    reason = scheduler.NO_COMMON_SLOT
    for slot in slots:
        if any(slot.id in busy.get(person, ()) for person in people):
            continue
        if any((person, slot.id) in taken_people for person in people):
            if reason != scheduler.TABLES_FULL:
                reason = scheduler.PERSON_FULL
            continue
        free = [n for n in range(1, settings.table_count + 1)
                if n not in taken_tables[slot.id]]
        if free:
            meeting.slot, meeting.table_number = slot, free[0]
            meeting.unplaced_reason = ""
            _changed(settings, [meeting], "placed")
            return slot
        reason = scheduler.TABLES_FULL
    meeting.unplaced_reason = reason
    tell_no_slot_left(meeting)
    db.session.flush()
    return None


# --- helpers -------------------------------------------------------------------------------


def _locked_settings(event: Event, expected_version: int | None) -> PartneringSettings:
    settings = settings_of(event, for_update=True)
    if expected_version is not None and expected_version != settings.schedule_version:
        raise StaleSchedule(str(_l("The schedule changed since you loaded this page; look "
                                   "at it again and repeat your change.")))
    return settings


def _check_accepted(meeting: MeetingRequest) -> None:
    if meeting.state is not RequestState.ACCEPTED or not (
            meeting.requester.is_active and meeting.recipient.is_active):
        raise NotPlaceable(str(_l("This meeting is not an accepted meeting any more.")))


def _occupancy(event: Event, slot_ids: set[int]
               ) -> tuple[set[tuple[int, int]], dict[int, set[int]]]:
    """(person, slot) pairs and slot -> tables taken by placed meetings in ``slot_ids``."""
    people: set[tuple[int, int]] = set()
    tables: dict[int, set[int]] = defaultdict(set)
    if not slot_ids:
        return people, tables
    rows = db.session.execute(
        db.select(MeetingRequest.requester_id, MeetingRequest.recipient_id,
                  MeetingRequest.slot_id, MeetingRequest.table_number)
        .where(MeetingRequest.event_id == event.id,
               MeetingRequest.state == RequestState.ACCEPTED,
               MeetingRequest.slot_id.in_(slot_ids))).all()
    for requester_id, recipient_id, slot_id, table in rows:
        people |= {(requester_id, slot_id), (recipient_id, slot_id)}
        tables[slot_id].add(table)
    return people, tables


def _check_fits(meeting: MeetingRequest, slot: PartneringSlot, table: int, *,
                ignore: set[int]) -> None:
    """Refuse when, at ``slot``, the table or one of the two people is taken by another
    meeting (not in ``ignore``: those are the ones moving), or one of them is busy then."""
    others = db.session.execute(
        db.select(MeetingRequest).where(MeetingRequest.event_id == meeting.event_id,
                                        MeetingRequest.state == RequestState.ACCEPTED,
                                        MeetingRequest.slot_id == slot.id,
                                        MeetingRequest.id.not_in(ignore))).scalars().all()
    people = {meeting.requester_id, meeting.recipient_id}
    if any(other.table_number == table for other in others):
        raise NotPlaceable(str(_l("Table %(number)d is taken in that slot.", number=table)))
    for other in others:
        if people & {other.requester_id, other.recipient_id}:
            raise NotPlaceable(str(_l("One of the two already meets someone else in that "
                                      "slot.")))
    busy = busy_by_profile(meeting.event_id, [meeting.requester, meeting.recipient], [slot])
    if busy:
        raise NotPlaceable(str(_l("One of the two is not available in that slot.")))


def _changed(settings: PartneringSettings, meetings: list[MeetingRequest], change: str) -> None:
    settings.schedule_version += 1
    db.session.flush()
    if settings.published_at is not None:
        for meeting in meetings:
            tell_change(meeting, change)
