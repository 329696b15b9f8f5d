"""Anonymisation: what stays of a person once the retention period is over or they asked
for erasure.

What goes: names, email, phone, organisation and job title, the search key, every answer,
the private link and badge code (replaced by random dead values, so the private page, the
badge QR and the offline check-in hashes derived from the code stop working), the iCal
feed, certificates, the scan log's copy of the name, the history's details, the payer
fields of their orders, the free texts of their partnering (``services.partnering.
privacy``), and the subject, body and recipient of every email the event sent
them. What stays is what statistics need: the ticket type, the country, the state, the
check-ins (days, sessions), seat bookings and ratings. Speakers and proposals go in the
same run (``privacy.speakers``).

Runs work in batches; each batch is one transaction and marks its people with
``Registration.anonymised_at`` in the same UPDATE that removes their data, so an
interrupted run leaves every person either untouched or fully anonymised, and a rerun
continues with those still untouched. Statements are set-based (one per table and batch),
never one ORM load per person.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from conference.extensions import db
from conference.models import (
    AgendaFeed,
    Answer,
    Certificate,
    ErasureRequest,
    ErasureState,
    Event,
    Job,
    Order,
    OutboxMessage,
    OutboxStatus,
    Question,
    Registration,
    RegistrationChange,
    ScanLog,
    User,
)
from conference.models.types import utcnow
from conference.services.jobs.core import JobResult, result_folder, start_job
from conference.services.partnering.privacy import anonymise_partnering
from conference.services.privacy.retention import (
    anonymise_due_at,
    pending_registrations,
    preview,
    retention_settings,
    sensitive_due_at,
)
from conference.services.privacy.speakers import anonymise_event_speakers

#: ``Job.kind`` of the organizer's "run now".
JOB_KIND = "privacy.anonymise"
#: People per transaction: small enough to keep locks short, large enough to be fast.
BATCH_SIZE = 2000
#: Domain of the placeholder emails (``.invalid`` is reserved: it can never receive mail).
PLACEHOLDER_DOMAIN = "anonymised.invalid"


@dataclass
class AnonymisationReport:
    """What a run did (or, dry, would do)."""

    dry_run: bool = False
    registrations: int = 0
    sensitive_answers: int = 0
    outbox_messages: int = 0
    speakers: int = 0
    batches: int = 0
    #: Nothing personal was due (and the run was not forced).
    skipped: bool = False
    notes: list[str] = field(default_factory=list)


def anonymise(event: Event, now: dt.datetime | None = None, *, dry_run: bool = False,
              early: bool = False, batch_size: int = BATCH_SIZE,
              progress: Callable[[int, int | None], None] | None = None
              ) -> AnonymisationReport:
    """Remove the event's personal data that is due at ``now`` (everything with ``early``).

    Sensitive answers go from ``sensitive_due_at``, all the rest from ``anonymise_due_at``.
    A dry run changes nothing and reports the counts the real run would have. Commits after
    each batch (the caller's pending changes are committed with the first).
    """
    now = now or utcnow()
    settings = retention_settings(event)
    due = early or now >= anonymise_due_at(event, settings)
    sensitive_due = due or now >= sensitive_due_at(event, settings)
    report = AnonymisationReport(dry_run=dry_run)
    if dry_run:
        counts = preview(event, now)
        report.registrations = counts.registrations if due else 0
        report.sensitive_answers = counts.sensitive_answers if sensitive_due else 0
        report.outbox_messages = counts.outbox_messages if due else 0
        report.speakers = counts.speakers if due else 0
        report.skipped = not (due or sensitive_due)
        return report
    if not (due or sensitive_due):
        report.skipped = True
        return report
    if sensitive_due:
        report.sensitive_answers = remove_sensitive_answers(event, now)
        db.session.commit()
    if due:
        drop_job_results(event)
        total = db.session.execute(
            db.select(sa.func.count()).select_from(pending_registrations(event).subquery())
        ).scalar_one()
        while True:
            ids = list(db.session.execute(
                pending_registrations(event).order_by(Registration.id).limit(batch_size)
            ).scalars())
            if not ids:
                break
            report.outbox_messages += anonymise_registrations(event, ids, now)
            db.session.commit()
            report.registrations += len(ids)
            report.batches += 1
            if progress:
                progress(report.registrations, total)
        report.speakers = anonymise_event_speakers(event)
        db.session.commit()
    settings = retention_settings(event)
    settings.last_run_at = now
    settings.last_run_count = report.registrations
    db.session.commit()
    return report


def drop_job_results(event: Event) -> int:
    """Delete the result files of the event's earlier jobs (a badge print run's PDF, a
    certificate ZIP or list hold names); their pages then say the result is gone. Commits;
    returns how many files were removed."""
    jobs = db.session.execute(
        db.select(Job).where(Job.event_id == event.id, Job.kind != JOB_KIND,
                             Job.result_path.is_not(None))).scalars().all()
    root = result_folder().resolve()
    for job in jobs:
        path = (root / job.result_path).resolve()
        if path.is_relative_to(root):
            path.unlink(missing_ok=True)
        job.result_path = None
    db.session.commit()
    return len(jobs)


def remove_sensitive_answers(event: Event, now: dt.datetime) -> int:
    """Delete every answer to the event's sensitive questions; returns how many."""
    sensitive_questions = db.select(Question.id).where(Question.event_id == event.id,
                                                       Question.sensitive)
    deleted = db.session.execute(
        sa.delete(Answer).where(Answer.question_id.in_(sensitive_questions))
        .execution_options(synchronize_session=False)).rowcount
    db.session.execute(
        sa.update(Registration)
        .where(Registration.event_id == event.id, Registration.sensitive_removed_at.is_(None))
        .values(sensitive_removed_at=now).execution_options(synchronize_session=False))
    return deleted


def anonymise_registrations(event: Event, ids: list[int], now: dt.datetime) -> int:
    """Anonymise these registrations of ``event`` in the current transaction (the caller
    commits); returns how many outbox messages were blanked."""
    if not ids:
        return 0
    ids = sorted(ids)
    pending = (Registration.event_id == event.id, Registration.anonymised_at.is_(None))
    in_range = Registration.id.between(ids[0], ids[-1])
    contiguous = db.session.execute(
        db.select(sa.func.count()).select_from(Registration).where(*pending, in_range)
    ).scalar_one() == len(ids)
    # The batch as a subquery: an id range of the event's registrations still holding
    # personal data (what ``anonymise`` hands over). A literal list of thousands of ids
    # costs more than the work itself; other lists are used as they are.
    chosen_ids = db.select(Registration.id).where(
        *pending, in_range if contiguous else Registration.id.in_(ids))
    # Read once: as a subquery inside the outbox UPDATE, PostgreSQL may plan a nested loop
    # over every message of the event (seconds per batch).
    emails = list(db.session.execute(
        db.select(Registration.email).where(Registration.id.in_(chosen_ids))).scalars())
    order_ids = db.select(Registration.order_id).where(Registration.id.in_(chosen_ids),
                                                       Registration.order_id.is_not(None))
    no_sync = {"synchronize_session": False}

    def run(statement):
        return db.session.execute(statement.execution_options(**no_sync))

    mine = (OutboxMessage.event_id == event.id, OutboxMessage.recipient.in_(emails))
    # Unsent mail to the person is never sent now.
    run(sa.update(OutboxMessage)
        .where(*mine, OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.HELD]))
        .values(status=OutboxStatus.SKIPPED))
    blanked = run(sa.update(OutboxMessage).where(*mine).values(
        recipient="", subject="", body_text="", body_html="", last_error="")).rowcount
    run(sa.delete(Answer).where(Answer.registration_id.in_(chosen_ids)))
    run(sa.delete(AgendaFeed).where(AgendaFeed.registration_id.in_(chosen_ids)))
    run(sa.delete(Certificate).where(Certificate.registration_id.in_(chosen_ids)))
    run(sa.update(RegistrationChange).where(RegistrationChange.registration_id.in_(chosen_ids))
        .values(detail=""))
    run(sa.update(ScanLog).where(ScanLog.registration_id.in_(chosen_ids))
        .values(details="{}", code=""))
    run(sa.update(Order).where(Order.id.in_(order_ids))
        .values(payer_name="", payer_email="", payer_organization=""))
    # A request still open (even one the organizer holds) is done: the data is gone.
    run(sa.update(ErasureRequest)
        .where(ErasureRequest.registration_id.in_(chosen_ids),
               ErasureRequest.state != ErasureState.COMPLETED)
        .values(state=ErasureState.COMPLETED, completed_at=now))
    anonymise_partnering(chosen_ids)
    # Last, since the statements above find the batch by ``anonymised_at IS NULL``.
    table = Registration.__table__
    db.session.execute(
        table.update().where(table.c.id == sa.bindparam("rid")).values(
            first_name="", last_name="", organization="", job_title="", phone="",
            search_key="", email=sa.bindparam("new_email"), token=sa.bindparam("new_token"),
            ticket_code=sa.bindparam("new_code"), anonymised_at=now,
            sensitive_removed_at=sa.func.coalesce(table.c.sensitive_removed_at, now)),
        [{"rid": rid, "new_email": f"{rid}@{PLACEHOLDER_DOMAIN}",
          # A fresh random secret nobody was ever given: the old link finds nothing.
          "new_token": "-" + secrets.token_urlsafe(48)[:63],
          # Outside the badge alphabet (lower case, "-"): no scan or offline hash matches.
          "new_code": "-" + secrets.token_hex(15)} for rid in ids])
    # Objects already in the session must not write their old values back.
    chosen = set(ids)
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Registration) and obj.id in chosen:
            db.session.expire(obj)
    return blanked


def anonymise_due_events(now: dt.datetime | None = None) -> dict[str, int]:
    """The daily job: anonymise whatever is due in every event with automatic retention;
    returns people anonymised per event slug."""
    now = now or utcnow()
    done: dict[str, int] = {}
    today = now.date()
    events = db.session.execute(
        db.select(Event).where(Event.ends_on < today).order_by(Event.id)).scalars().all()
    for event in events:
        if not retention_settings(event).automatic:
            continue
        report = anonymise(event, now)
        if not report.skipped:
            done[event.slug] = report.registrations
    db.session.commit()
    return done


def start_anonymise(event: Event, *, user: User | None,
                    now: dt.datetime | None = None) -> tuple[Job, bool]:
    """Queue anonymising ``event`` now, before its retention period is over (or join the
    run under way)."""
    total = db.session.execute(
        db.select(sa.func.count()).select_from(pending_registrations(event).subquery())
    ).scalar_one()
    return start_job(JOB_KIND, event=event, user=user, dedupe_key=f"{JOB_KIND}:{event.id}",
                     total=total, now=now)


def run_anonymise_job(job: Job, progress: Callable[[int, int | None], None]) -> JobResult:
    """The job's work: anonymise the event early; the result is a summary (CSV, counts
    only: it names nobody)."""
    report = anonymise(job.event, early=True, progress=progress)
    folder = result_folder() / "privacy"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"job-{job.id}-{secrets.token_hex(8)}.csv"
    partial = path.with_suffix(".part")
    partial.write_text(
        "registrations,sensitive_answers,outbox_messages\n"
        f"{report.registrations},{report.sensitive_answers},{report.outbox_messages}\n",
        encoding="utf-8")
    os.replace(partial, path)
    return JobResult(path=path, filename=f"anonymisation-{job.event.slug}.csv")
