"""Background jobs: long work (print runs, bulk mail, certificates, exports) run by the
job queue, with progress the organizer can watch."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.extensions import db
from conference.models.types import UTCDateTime, enum_column, utcnow


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


#: States in which a job holds its dedupe key (a second start returns this job).
ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)
_ACTIVE_SQL = sa.text("state IN ('queued', 'running')")


class Job(db.Model):
    """One run of long work, started by a staff member, for one event.

    The job row is the durable record: the queue only carries its id. A worker claims it
    (queued -> running), reports progress, and finishes it with a result file or a reason.
    """

    __table_args__ = (
        # Two organizers starting the same print run get one job: while a job with this
        # key is queued or running, a second insert fails and the caller takes the first.
        sa.Index("uq_job_active_dedupe_key", "dedupe_key", unique=True,
                 postgresql_where=_ACTIVE_SQL, sqlite_where=_ACTIVE_SQL),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    #: What the job does, e.g. ``badges.print_run``: names the task that runs it.
    kind: Mapped[str] = mapped_column(sa.String(60))
    started_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    state: Mapped[JobState] = mapped_column(enum_column(JobState), default=JobState.QUEUED)
    #: The task's arguments as JSON (e.g. the badge filters): enough to run it again.
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    #: The result file, relative to JOB_RESULT_FOLDER; set when the job is done.
    result_path: Mapped[str | None] = mapped_column(sa.String(300))
    #: The file name offered to the browser for the result.
    result_filename: Mapped[str | None] = mapped_column(sa.String(200))
    #: Why the job failed, in words an organizer can act on.
    error_message: Mapped[str] = mapped_column(sa.Text, default="")
    #: Identifies "the same work" (e.g. event + badge selection) while the job is active.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200))
    #: How many times a worker has claimed the job (retries and redeliveries count).
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Last sign of life of the worker running it (claim or progress); a running job whose
    #: heartbeat is old belongs to a dead worker and may be retried.
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    event = relationship("Event")
    started_by = relationship("User")

    @property
    def percent(self) -> int:
        """Progress as a whole percentage (100 when done)."""
        if self.state is JobState.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES
