"""A statement import as a background job: the upload is kept in the job folder, the job
imports it in one transaction and leaves a CSV report of every new credit."""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import BankTransaction, Event, Job, Order, StatementImport, User
from conference.services.jobs.core import JobResult, result_folder, start_job
from conference.services.payments.statements.importing import (
    FORMATS,
    file_digest,
    import_statement,
    previous_import,
)
from conference.services.payments.statements.lines import (
    MAX_FILE_BYTES,
    AlreadyImported,
    StatementError,
    decode,
)

STATEMENT_IMPORT = "payments.statement_import"
UPLOAD_FOLDER = "statement-uploads"


def start_statement_import(event: Event, data: bytes, *, filename: str, file_format: str,
                           user: User | None, now: dt.datetime | None = None
                           ) -> tuple[Job, bool]:
    """Keep the upload and queue its import (the caller commits, then dispatches).

    Refuses at once what needs no parsing: an unknown format, an empty, too large or
    undecodable file, and a file imported before (AlreadyImported).
    """
    if file_format not in FORMATS:
        raise StatementError(str(_l("Choose MT940 or CSV.")))
    if len(data) > MAX_FILE_BYTES:
        raise StatementError(str(_l("The file is too large (at most 20 MB).")))
    decode(data)
    digest = file_digest(data)
    earlier = previous_import(event, digest)
    if earlier is not None:
        raise AlreadyImported(str(_l("This file was imported already (%(filename)s); "
                                     "importing it again would change nothing.",
                                     filename=earlier.filename)))
    folder = result_folder() / UPLOAD_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}.upload"
    path.write_bytes(data)
    params = {"upload": str(path.relative_to(result_folder())),
              "filename": (filename or "statement")[:200], "format": file_format,
              "sha256": digest}
    return start_job(STATEMENT_IMPORT, event=event, user=user, params=params,
                     dedupe_key=f"statement:{event.id}:{digest}", total=1, now=now)


def run_statement_import(job: Job, progress: Callable[[int, int | None], None]) -> JobResult:
    """The job's work: import the kept file (one transaction: ``run_job`` commits it with
    the job's end, or rolls all of it back on an error) and write the report."""
    root = result_folder().resolve()
    upload = (root / job.params["upload"]).resolve()
    if not upload.is_relative_to(root) or not upload.is_file():
        raise StatementError(str(_l("The uploaded file is gone; upload it again.")))
    record = import_statement(job.event, upload.read_bytes(), filename=job.params["filename"],
                              file_format=job.params["format"], by=job.started_by)
    report = root / f"statement-report-{job.id}-{secrets.token_hex(4)}.csv"
    write_report(record, report)
    upload.unlink(missing_ok=True)
    return JobResult(path=report, filename=f"statement-import-{record.id}.csv")


def write_report(record: StatementImport, path) -> None:
    """Every credit the import brought: date, amount, payer, title, outcome, order."""
    rows = db.session.execute(
        db.select(BankTransaction, Order.reference)
        .outerjoin(Order, BankTransaction.order_id == Order.id)
        .where(BankTransaction.import_id == record.id).order_by(BankTransaction.id)).all()
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(["date", "amount", "currency", "payer", "account", "title", "outcome",
                         "reason", "order", "bank_id"])
        writer.writerow(["#", f"credits={record.credits}", f"new={record.new}",
                         f"duplicates={record.duplicates}", f"matched={record.matched}",
                         f"review={record.review}", f"debits={record.debits}", "", "", ""])
        for transaction, reference in rows:
            writer.writerow([
                transaction.booked_on.isoformat(), str(transaction.amount),
                transaction.currency, _safe(transaction.payer_name),
                transaction.payer_account, _safe(transaction.title), transaction.state.value,
                transaction.reason.value if transaction.reason else "", reference or "",
                transaction.bank_id])


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
