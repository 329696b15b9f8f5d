"""The CP-SAT scheduler on plain data, every answer checked by the independent validator."""

from __future__ import annotations

import random

import pytest

from conference.services.partnering.scheduler import (
    LIMIT,
    NO_COMMON_SLOT,
    PERSON_FULL,
    TABLES_FULL,
    MeetingInput,
    Problem,
    solve,
)
from tests.partnering_validator import schedule_errors

SLOTS = [101, 102, 103, 104]


def checked(problem: Problem):
    schedule = solve(problem)
    assert schedule_errors(problem, schedule) == []
    return schedule


def test_two_meetings_of_one_person_go_to_different_slots():
    problem = Problem(SLOTS[:2], tables=5,
                      meetings=[MeetingInput(1, 10, 20), MeetingInput(2, 10, 30)])
    schedule = checked(problem)
    assert {schedule.placements[1][0], schedule.placements[2][0]} == {101, 102}


def test_a_slot_takes_no_more_meetings_than_tables():
    problem = Problem([101], tables=2, meetings=[MeetingInput(i, 2 * i, 2 * i + 1)
                                                 for i in range(1, 5)])
    schedule = checked(problem)
    assert len(schedule.placements) == 2
    assert set(schedule.unplaced.values()) == {TABLES_FULL}
    assert sorted(table for _, table in schedule.placements.values()) == [1, 2]


def test_a_meeting_is_never_placed_where_one_side_is_busy():
    problem = Problem(SLOTS[:2], tables=3, meetings=[MeetingInput(1, 10, 20)],
                      busy={10: {101}})
    assert checked(problem).placements[1][0] == 102


def test_no_common_free_slot_is_reported_as_such():
    problem = Problem(SLOTS[:2], tables=3, meetings=[MeetingInput(1, 10, 20)],
                      busy={10: {101}, 20: {102}})
    schedule = checked(problem)
    assert schedule.unplaced == {1: NO_COMMON_SLOT}
    assert schedule.upper_bound == 0


def test_a_person_with_more_meetings_than_free_slots_gets_person_full():
    meetings = [MeetingInput(i, 10, 20 + i) for i in range(1, 4)]
    schedule = checked(Problem(SLOTS[:2], tables=10, meetings=meetings))
    assert len(schedule.placements) == 2
    assert list(schedule.unplaced.values()) == [PERSON_FULL]
    assert schedule.upper_bound == 2


def test_a_locked_meeting_keeps_its_slot_and_table_and_blocks_its_people():
    locked = MeetingInput(1, 10, 20, slot_id=102, table=3, locked=True)
    other = MeetingInput(2, 10, 30, slot_id=102, table=1)
    schedule = checked(Problem(SLOTS[:2], tables=3, meetings=[locked, other]))
    assert schedule.placements[1] == (102, 3)
    assert schedule.placements[2][0] == 101


def test_a_locked_meeting_in_a_deleted_slot_is_placed_again():
    locked = MeetingInput(1, 10, 20, slot_id=999, table=1, locked=True)
    schedule = checked(Problem(SLOTS[:1], tables=1, meetings=[locked]))
    assert schedule.placements[1] == (101, 1)


def test_locked_tables_reduce_the_slot_capacity():
    locked = MeetingInput(1, 10, 20, slot_id=101, table=1, locked=True)
    schedule = checked(Problem([101], tables=1, meetings=[locked, MeetingInput(2, 30, 40)]))
    assert schedule.unplaced == {2: TABLES_FULL}


def test_a_meeting_keeps_its_previous_table_when_it_is_free():
    meetings = [MeetingInput(1, 10, 20, slot_id=101, table=4), MeetingInput(2, 30, 40)]
    schedule = checked(Problem([101], tables=5, meetings=meetings))
    assert schedule.placements[1] == (101, 4)
    assert schedule.placements[2] == (101, 1)


def test_no_solution_within_the_time_limit_reports_limit():
    meetings = [MeetingInput(i, 2 * i, 2 * i + 1) for i in range(1, 400)]
    problem = Problem(list(range(1, 30)), tables=20, meetings=meetings, time_limit=1e-6)
    schedule = solve(problem)
    assert schedule_errors(problem, schedule) == []
    if schedule.status == "UNKNOWN":
        assert set(schedule.unplaced.values()) == {LIMIT}


def test_nothing_to_place_is_an_empty_schedule():
    schedule = checked(Problem(SLOTS, tables=2, meetings=[]))
    assert schedule.placements == {} and schedule.upper_bound == 0


def test_the_summary_counts_reasons():
    problem = Problem([101], tables=1, meetings=[MeetingInput(1, 1, 2), MeetingInput(2, 3, 4)])
    summary = solve(problem).summary()
    assert summary["placed"] == 1 and summary["reasons"][TABLES_FULL] == 1


def random_problem(seed: int) -> Problem:
    rng = random.Random(seed)
    slots = list(range(1, rng.randint(2, 9)))
    people = list(range(1, rng.randint(4, 25)))
    tables = rng.randint(1, 6)
    pairs = {tuple(sorted(rng.sample(people, 2))) for _ in range(rng.randint(1, 60))}
    busy = {p: set(rng.sample(slots, rng.randint(0, len(slots) // 2))) for p in people}
    meetings = []
    used: set[tuple[int, int]] = set()
    for index, (a, b) in enumerate(sorted(pairs), start=1):
        slot, table, locked = None, None, False
        if rng.random() < 0.15:
            slot, table = rng.choice(slots), rng.randint(1, tables)
            # Locked meetings given to the scheduler never collide (the services see to it).
            if {(a, slot), (b, slot), ("t", slot, table)} & used:
                slot = table = None
            else:
                locked = True
                used |= {(a, slot), (b, slot), ("t", slot, table)}
        meetings.append(MeetingInput(index, a, b, slot_id=slot, table=table, locked=locked))
    return Problem(slots, tables=tables, meetings=meetings, busy=busy, time_limit=5, seed=seed)


@pytest.mark.parametrize("seed", range(25))
def test_random_instances_give_valid_schedules_that_reach_the_upper_bound_when_optimal(seed):
    problem = random_problem(seed)
    schedule = checked(problem)
    if schedule.status == "OPTIMAL":
        assert len(schedule.placements) == schedule.upper_bound
