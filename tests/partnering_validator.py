"""An independent check of any partnering schedule (written apart from the scheduler, so
that a bug in one is not repeated in the other).

``schedule_errors`` lists every broken rule; an empty list means the schedule is valid:
each meeting placed at most once into an existing slot and table, nobody in two meetings
in one slot, no table hosting two meetings in one slot, nobody placed in a slot they are
busy in (locked meetings excepted: the organizer put them there), every locked meeting
kept where it was, and every meeting either placed or given a known reason.
"""

from __future__ import annotations

from collections import Counter

from conference.services.partnering.scheduler import REASONS


def schedule_errors(problem, schedule) -> list[str]:
    errors: list[str] = []
    slots = set(problem.slot_ids)
    meetings = {m.id: m for m in problem.meetings}
    placed = schedule.placements
    for meeting_id in set(placed) & set(schedule.unplaced):
        errors.append(f"meeting {meeting_id} is both placed and unplaced")
    for meeting_id in set(meetings) - set(placed) - set(schedule.unplaced):
        errors.append(f"meeting {meeting_id} is neither placed nor reported")
    for meeting_id in (set(placed) | set(schedule.unplaced)) - set(meetings):
        errors.append(f"unknown meeting {meeting_id} in the answer")
    for meeting_id, reason in schedule.unplaced.items():
        if reason not in REASONS:
            errors.append(f"meeting {meeting_id}: unknown reason {reason!r}")

    people_in_slot: Counter = Counter()
    tables_in_slot: Counter = Counter()
    for meeting_id, (slot, table) in placed.items():
        meeting = meetings.get(meeting_id)
        if meeting is None:
            continue
        if slot not in slots:
            errors.append(f"meeting {meeting_id} in unknown slot {slot}")
        if not (isinstance(table, int) and 1 <= table <= problem.tables):
            errors.append(f"meeting {meeting_id} at table {table} of {problem.tables}")
        tables_in_slot[(slot, table)] += 1
        for person in (meeting.person_a, meeting.person_b):
            people_in_slot[(person, slot)] += 1
            if not meeting.locked and slot in problem.busy.get(person, ()):
                errors.append(f"meeting {meeting_id}: person {person} is busy in slot {slot}")
    errors += [f"person {person} in {count} meetings in slot {slot}"
               for (person, slot), count in people_in_slot.items() if count > 1]
    errors += [f"table {table} hosts {count} meetings in slot {slot}"
               for (slot, table), count in tables_in_slot.items() if count > 1]

    for meeting in problem.meetings:
        keepable = (meeting.locked and meeting.slot_id in slots and meeting.table is not None
                    and 1 <= meeting.table <= problem.tables)
        if keepable and placed.get(meeting.id) != (meeting.slot_id, meeting.table):
            errors.append(f"locked meeting {meeting.id} moved from "
                          f"{(meeting.slot_id, meeting.table)} to {placed.get(meeting.id)}")
    if len(placed) > schedule.upper_bound:
        errors.append(f"{len(placed)} placed, above the upper bound {schedule.upper_bound}")
    return errors
