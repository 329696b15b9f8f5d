"""Badge print runs as jobs: the organizer's "download all / this selection" starts a job
that renders the PDF in a worker; two organizers asking for the same run share one job."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from flask_babel import lazy_gettext as _l

from conference.models import BadgeRole, Event, Job, RegistrationState, User
from conference.services.badges.core import (
    NoBadges,
    _text,
    render_badges,
    select_for_badges,
)
from conference.services.jobs.core import JobResult, result_folder, start_job

PRINT_RUN = "badges.print_run"
RESULT_SUBFOLDER = "badges"


@dataclasses.dataclass(frozen=True)
class BadgeSelection:
    """Which registrations a print run holds: the filters of the organizers' badge list."""

    ticket_type_id: int | None = None
    state: RegistrationState | None = RegistrationState.CONFIRMED
    role: BadgeRole | None = None
    search: str = ""
    #: "all" (every confirmed registration) or "selection" (filtered): names the file.
    scope: str = "all"

    def as_params(self) -> dict:
        return {"ticket_type_id": self.ticket_type_id,
                "state": self.state.value if self.state else None,
                "role": self.role.value if self.role else None,
                "search": self.search.strip(), "scope": self.scope}

    @classmethod
    def from_params(cls, params: dict) -> BadgeSelection:
        return cls(ticket_type_id=params.get("ticket_type_id"),
                   state=RegistrationState(params["state"]) if params.get("state") else None,
                   role=BadgeRole(params["role"]) if params.get("role") else None,
                   search=params.get("search") or "", scope=params.get("scope", "all"))

    def registrations(self, event: Event):
        return select_for_badges(event, ticket_type_id=self.ticket_type_id, state=self.state,
                                 role=self.role, search=self.search)


def print_run_key(event: Event, selection: BadgeSelection, layout: str,
                  double_sided: bool) -> str:
    """The dedupe key: the same event, selection and print settings are the same run."""
    spec = json.dumps({"selection": selection.as_params(), "layout": layout,
                       "double_sided": double_sided}, sort_keys=True)
    return f"{PRINT_RUN}:{event.id}:{hashlib.sha256(spec.encode()).hexdigest()[:32]}"


def start_print_run(event: Event, selection: BadgeSelection, *, user: User | None,
                    now: dt.datetime | None = None) -> tuple[Job, bool]:
    """Queue a print run of ``selection`` (or join the same one already under way).

    Raises NoBadges when nothing matches, so no empty job is made. The caller commits and
    dispatches the job when it was created.
    """
    count = len(selection.registrations(event))
    if not count:
        raise NoBadges(_text(_l("There are no badges to print.")))
    layout, double_sided = event.badge_layout, event.badge_double_sided
    params = {"selection": selection.as_params(), "layout": layout,
              "double_sided": double_sided}
    return start_job(PRINT_RUN, event=event, user=user, params=params,
                     dedupe_key=print_run_key(event, selection, layout, double_sided),
                     total=count, now=now)


def render_print_run(job: Job, progress: Callable[[int, int | None], None]) -> JobResult:
    """The job's work: render the selection as it is now into a PDF in the result folder."""
    event = job.event
    selection = BadgeSelection.from_params(job.params["selection"])
    registrations = selection.registrations(event)
    total = len(registrations)
    # Progress is reported (and committed) only once the badges' values are read: a commit
    # before would expire the registrations and reload them one query each.
    done = 0

    def chunk_done(count: int) -> None:
        nonlocal done
        done += count
        progress(done, total)

    pdf = render_badges(registrations, layout=job.params.get("layout"),
                        double_sided=job.params.get("double_sided"), progress=chunk_done)
    suffix = "" if selection.scope == "all" else "-selection"
    path = _write_result(pdf, f"job-{job.id}-{secrets.token_hex(8)}.pdf")
    return JobResult(path=path, filename=f"badges-{event.slug}{suffix}.pdf")


def _write_result(data: bytes, name: str) -> Path:
    """Write atomically: a download never sees half a file."""
    folder = result_folder() / RESULT_SUBFOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path
