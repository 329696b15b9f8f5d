"""The partnering scheduler: accepted meetings into slots and tables, as many as possible.

Pure: plain data in (``Problem``), plain data out (``Schedule``); no database, no Flask.
The model is OR-Tools CP-SAT: one boolean per (meeting, slot) where both people are free,
each meeting at most once, each person in at most one meeting per slot, each slot at most
as many meetings as it has free tables; maximise the number placed. Locked meetings keep
their slot and table and occupy their two people and their table. Table numbers are given
afterwards (a meeting keeps its previous table when that table is free in its new slot).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

#: Why a meeting was not placed (stable codes, stored in ``MeetingRequest.unplaced_reason``).
NO_COMMON_SLOT = "no_common_slot"  #: no slot in which both people are free
PERSON_FULL = "person_full"  #: in every common free slot one of them meets someone else
TABLES_FULL = "tables_full"  #: a common free slot exists, but all its tables are taken
LIMIT = "limit"  #: the solver stopped at its time limit before finding any schedule
REASONS = (NO_COMMON_SLOT, PERSON_FULL, TABLES_FULL, LIMIT)


@dataclass(frozen=True)
class MeetingInput:
    """An accepted meeting between two people, with its current placement if any."""

    id: int
    person_a: int
    person_b: int
    slot_id: int | None = None
    table: int | None = None
    locked: bool = False

    @property
    def people(self) -> tuple[int, int]:
        return self.person_a, self.person_b


@dataclass(frozen=True)
class Problem:
    """What the scheduler needs: the slots in time order, the table count, the meetings and
    the slots each person is busy in (marked unavailable or in the programme)."""

    slot_ids: Sequence[int]
    tables: int
    meetings: Sequence[MeetingInput]
    busy: Mapping[int, frozenset[int] | set[int]] = field(default_factory=dict)
    time_limit: float = 20.0
    workers: int = 2
    seed: int = 0


@dataclass
class Schedule:
    """The answer: meeting id -> (slot id, table number) for placed meetings, meeting id ->
    reason code for the others, a bound no schedule can beat, and how the solver ended."""

    placements: dict[int, tuple[int, int]]
    unplaced: dict[int, str]
    upper_bound: int
    status: str
    seconds: float

    def summary(self) -> dict:
        """A JSON-ready summary (stored as ``PartneringSettings.last_run_summary``)."""
        reasons = dict.fromkeys(REASONS, 0)
        for reason in self.unplaced.values():
            reasons[reason] += 1
        return {"placed": len(self.placements), "unplaced": len(self.unplaced),
                "reasons": reasons, "upper_bound": self.upper_bound, "status": self.status,
                "seconds": round(self.seconds, 2)}


def solve(problem: Problem) -> Schedule:
    """Place as many of ``problem``'s meetings as possible (see the module docstring)."""
    started = time.perf_counter()
    slots = list(problem.slot_ids)
    slot_set = set(slots)
    tables = max(problem.tables, 0)

    fixed = [m for m in problem.meetings if _keeps_lock(m, slot_set, tables)]
    fixed_ids = {m.id for m in fixed}
    free = [m for m in problem.meetings if m.id not in fixed_ids]

    taken_by_person: dict[tuple[int, int], int] = {}
    tables_taken: dict[int, set[int]] = defaultdict(set)
    for meeting in fixed:
        tables_taken[meeting.slot_id].add(meeting.table)
        for person in meeting.people:
            taken_by_person[(person, meeting.slot_id)] = meeting.id
    capacity = {slot: tables - len(tables_taken[slot]) for slot in slots}

    def busy(person: int) -> set[int] | frozenset[int]:
        return problem.busy.get(person, frozenset())

    common = {m.id: [s for s in slots if s not in busy(m.person_a) and s not in busy(m.person_b)]
              for m in free}
    candidates = {
        m.id: [s for s in common[m.id] if capacity[s] > 0
               and (m.person_a, s) not in taken_by_person
               and (m.person_b, s) not in taken_by_person]
        for m in free}

    # A schedule reaching the simple bound is optimal: the solver may stop there instead
    # of spending its time limit proving it.
    simple_bound = upper_bound(problem, fixed, common) - len(fixed)
    chosen, status, solver_bound = _solve_slots(problem, free, candidates, capacity,
                                                simple_bound)
    if chosen is not None:
        chosen = _fill_greedily(free, candidates, chosen, capacity, taken_by_person)

    placements = {m.id: (m.slot_id, m.table) for m in fixed}
    unplaced: dict[int, str] = {}
    if chosen is None:
        unplaced = {m.id: (LIMIT if common[m.id] else NO_COMMON_SLOT) for m in free}
    else:
        placements.update(_assign_tables(free, chosen, tables_taken, tables))
        people = {m.id: m.people for m in problem.meetings}
        occupied = {(person, slot) for meeting_id, (slot, _) in placements.items()
                    for person in people[meeting_id]}
        used = defaultdict(int)
        for slot, _ in placements.values():
            used[slot] += 1
        for meeting in free:
            if meeting.id not in placements:
                unplaced[meeting.id] = _reason(meeting, common[meeting.id], occupied, used,
                                               tables)

    bound = upper_bound(problem, fixed, common, solver_bound)
    return Schedule(placements=placements, unplaced=unplaced, upper_bound=bound,
                    status=status, seconds=time.perf_counter() - started)


def _keeps_lock(meeting: MeetingInput, slot_set: set[int], tables: int) -> bool:
    # A locked meeting whose slot was deleted or whose table no longer exists is placed
    # again like any other.
    return (meeting.locked and meeting.slot_id in slot_set and meeting.table is not None
            and 1 <= meeting.table <= tables)


def _solve_slots(problem: Problem, free: list[MeetingInput], candidates: dict[int, list[int]],
                 capacity: dict[int, int], known_bound: int
                 ) -> tuple[dict[int, int] | None, str, int | None]:
    """The CP-SAT model: returns (meeting id -> slot id, status name, objective bound)."""
    model = cp_model.CpModel()
    chosen_vars: dict[tuple[int, int], cp_model.IntVar] = {}
    by_person_slot: dict[tuple[int, int], list] = defaultdict(list)
    by_slot: dict[int, list] = defaultdict(list)
    for meeting in free:
        options = []
        for slot in candidates[meeting.id]:
            var = model.new_bool_var(f"x{meeting.id}_{slot}")
            chosen_vars[(meeting.id, slot)] = var
            options.append(var)
            by_person_slot[(meeting.person_a, slot)].append(var)
            by_person_slot[(meeting.person_b, slot)].append(var)
            by_slot[slot].append(var)
        if len(options) > 1:
            model.add_at_most_one(options)
    for variables in by_person_slot.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    for slot, variables in by_slot.items():
        if len(variables) > capacity[slot]:
            model.add(sum(variables) <= capacity[slot])
    if not chosen_vars:
        return {}, "OPTIMAL", 0
    model.maximize(sum(chosen_vars.values()))
    # Warm start: a quick greedy schedule (previous slots first) as a complete hint; the
    # solver improves on it, and stops at once when it already reaches the bound.
    start = _fill_greedily(free, candidates, {}, capacity, {}, prefer_previous=True)
    for (meeting_id, slot), var in chosen_vars.items():
        model.add_hint(var, start.get(meeting_id) == slot)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(problem.time_limit)
    solver.parameters.num_workers = max(1, int(problem.workers))
    solver.parameters.random_seed = problem.seed
    status = solver.solve(model, _StopAtBound(known_bound))
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, name, None
    chosen = {meeting_id: slot for (meeting_id, slot), var in chosen_vars.items()
              if solver.boolean_value(var)}
    if len(chosen) >= known_bound:
        return chosen, "OPTIMAL", len(chosen)
    return chosen, name, math.floor(solver.best_objective_bound + 1e-6)


class _StopAtBound(cp_model.CpSolverSolutionCallback):
    """Stops the search at a solution that places ``bound`` meetings (none can do more)."""

    def __init__(self, bound: int):
        super().__init__()
        self.bound = bound

    def on_solution_callback(self) -> None:
        if self.objective_value >= self.bound - 1e-6:
            self.stop_search()


def _fill_greedily(free: list[MeetingInput], candidates: dict[int, list[int]],
                   chosen: dict[int, int], capacity: dict[int, int],
                   taken_by_person: dict[tuple[int, int], int], *,
                   prefer_previous: bool = False) -> dict[int, int]:
    """Add to ``chosen`` every meeting that still fits, the least flexible first, each in
    its previous slot when ``prefer_previous`` and it fits there, else in the least used
    slot. Used for the solver's warm start and after a solver stopped early (a proven
    optimum leaves nothing to add)."""
    chosen = dict(chosen)
    busy = set(taken_by_person)
    used: dict[int, int] = defaultdict(int)
    by_id = {m.id: m for m in free}
    for meeting_id, slot in chosen.items():
        used[slot] += 1
        busy.update({(p, slot) for p in by_id[meeting_id].people})
    for meeting in sorted(free, key=lambda m: len(candidates[m.id])):
        if meeting.id in chosen:
            continue
        options = sorted(candidates[meeting.id], key=lambda slot: used[slot])
        if prefer_previous and meeting.slot_id in options:
            options.remove(meeting.slot_id)
            options.insert(0, meeting.slot_id)
        for slot in options:
            if (used[slot] < capacity[slot] and (meeting.person_a, slot) not in busy
                    and (meeting.person_b, slot) not in busy):
                chosen[meeting.id] = slot
                used[slot] += 1
                busy.update({(meeting.person_a, slot), (meeting.person_b, slot)})
                break
    return chosen


def _assign_tables(free: list[MeetingInput], chosen: dict[int, int],
                   tables_taken: dict[int, set[int]], tables: int
                   ) -> dict[int, tuple[int, int]]:
    """Table numbers for the chosen meetings: the previous table when it is free in the new
    slot, else the lowest free one."""
    taken = {slot: set(numbers) for slot, numbers in tables_taken.items()}
    placed: dict[int, tuple[int, int]] = {}
    waiting: list[MeetingInput] = []
    for meeting in sorted((m for m in free if m.id in chosen), key=lambda m: m.id):
        slot = chosen[meeting.id]
        in_slot = taken.setdefault(slot, set())
        if meeting.table is not None and 1 <= meeting.table <= tables \
                and meeting.table not in in_slot:
            in_slot.add(meeting.table)
            placed[meeting.id] = (slot, meeting.table)
        else:
            waiting.append(meeting)
    for meeting in waiting:
        slot = chosen[meeting.id]
        in_slot = taken[slot]
        table = next(n for n in range(1, tables + 1) if n not in in_slot)
        in_slot.add(table)
        placed[meeting.id] = (slot, table)
    return placed


def _reason(meeting: MeetingInput, common: list[int], occupied: set[tuple[int, int]],
            used: dict[int, int], tables: int) -> str:
    if not common:
        return NO_COMMON_SLOT
    for slot in common:
        if (meeting.person_a, slot) not in occupied and (meeting.person_b, slot) not in occupied:
            return TABLES_FULL  # both free then: only the tables were missing
    return PERSON_FULL


def upper_bound(problem: Problem, fixed: Sequence[MeetingInput], common: dict[int, list[int]],
                solver_bound: int | None = None) -> int:
    """A number of meetings no schedule can beat: the least of the meetings that have a
    common free slot at all, slots x tables, a per-person bound (a person free in k slots
    meets at most k partners, and each dropped meeting relieves at most two people), and
    the solver's proven objective bound (plus the locked meetings)."""
    placeable = [m for m in problem.meetings if m.id not in {f.id for f in fixed}
                 and common[m.id]]
    bounds = [len(fixed) + len(placeable), len(problem.slot_ids) * max(problem.tables, 0)]

    slot_count = len(problem.slot_ids)
    slot_set = set(problem.slot_ids)
    degree: dict[int, int] = defaultdict(int)
    locked_slots: dict[int, set[int]] = defaultdict(set)
    for meeting in [*fixed, *placeable]:
        for person in meeting.people:
            degree[person] += 1
    for meeting in fixed:  # a locked meeting may sit in a slot its people marked busy
        for person in meeting.people:
            locked_slots[person].add(meeting.slot_id)
    excess = 0
    for person, count in degree.items():
        busy = (slot_set & set(problem.busy.get(person, ()))) - locked_slots[person]
        free_slots = slot_count - len(busy)
        excess += max(0, count - free_slots)
    bounds.append(len(fixed) + len(placeable) - math.ceil(excess / 2))
    if solver_bound is not None:
        bounds.append(len(fixed) + solver_bound)
    return max(0, min(bounds))
