"""For the accountant: the invoices of a period as a ZIP of PDFs (a job) and as an XLSX
register (number, dates, buyer, tax id, net / VAT / gross per rate, currency)."""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import Event, Invoice, InvoiceKind, Job, User
from conference.services.invoicing import InvoicingError
from conference.services.jobs.core import JobResult, result_folder, start_job

ZIP_RUN = "invoices.zip"
RESULT_SUBFOLDER = "invoices"
#: Longest period one export may cover (a little over a year, for an annual closing).
MAX_PERIOD_DAYS = 400


class InvalidPeriod(InvoicingError):
    code = "invalid_period"


class NoInvoices(InvoicingError):
    code = "no_invoices"


@dataclass(frozen=True)
class Period:
    """Issue dates from ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start or (self.end - self.start).days > MAX_PERIOD_DAYS:
            raise InvalidPeriod("the period is reversed or longer than allowed")

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def invoices_in(event: Event, period: Period | None = None) -> list[Invoice]:
    """The event's invoices issued in ``period`` (all when None), by kind and number."""
    query = sa.select(Invoice).where(Invoice.event_id == event.id)
    if period is not None:
        query = query.where(Invoice.issued_on >= period.start, Invoice.issued_on <= period.end)
    return list(db.session.execute(
        query.order_by(Invoice.issued_on, Invoice.kind, Invoice.year, Invoice.seq)).scalars())


KIND_LABELS = {InvoiceKind.VAT: _l("VAT invoice"), InvoiceKind.PROFORMA: _l("Pro-forma"),
               InvoiceKind.CORRECTION: _l("Correcting invoice")}


def register_xlsx(invoices: list[Invoice]) -> bytes:
    """The register as an XLSX workbook: one row per invoice, amounts as numbers."""
    from openpyxl import Workbook

    rates = []
    for invoice in invoices:
        for total in invoice.data["totals_by_rate"]:
            if total["rate"] not in rates:
                rates.append(total["rate"])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_l("Invoices"))[:31]
    header = [str(_l("Number")), str(_l("Kind")), str(_l("Issue date")), str(_l("Sale date")),
              str(_l("Buyer")), str(_l("Tax id")), str(_l("Country")), str(_l("Currency"))]
    for rate in rates:
        header += [f"{_l('Net')} {rate}", f"{_l('VAT')} {rate}", f"{_l('Gross')} {rate}"]
    header += [str(_l("Net total")), str(_l("VAT total")), str(_l("Gross total")),
               str(_l("Corrects"))]
    sheet.append(header)
    for invoice in invoices:
        data = invoice.data
        per_rate = {t["rate"]: t for t in data["totals_by_rate"]}
        row = [invoice.number, str(KIND_LABELS[invoice.kind]), invoice.issued_on,
               invoice.sale_date, data["buyer"]["name"], data["buyer"]["tax_id"],
               data["buyer"]["country"], invoice.currency]
        for rate in rates:
            total = per_rate.get(rate)
            row += ([Decimal(total["net"]), Decimal(total["vat"]), Decimal(total["gross"])]
                    if total else [None, None, None])
        row += [invoice.net_total, invoice.vat_total, invoice.gross_total,
                (data.get("corrects") or {}).get("number", "")]
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def start_zip_export(event: Event, period: Period, *, user: User | None,
                     now: dt.datetime | None = None) -> tuple[Job, bool]:
    """Queue the ZIP of the period's invoices (or join the same export under way). Raises
    NoInvoices when the period has none. The caller commits and dispatches."""
    count = len(invoices_in(event, period))
    if not count:
        raise NoInvoices("no invoices in this period")
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    return start_job(ZIP_RUN, event=event, user=user, params=params,
                     dedupe_key=f"{ZIP_RUN}:{event.id}:{period.label}", total=count, now=now)


def write_zip(job: Job, progress: Callable[[int, int | None], None]) -> JobResult:
    """The job's work: every PDF of the period (rendered and stored first where missing) and
    the register, in one ZIP in the result folder."""
    from conference.services.invoicing.pdf import invoice_filename, invoice_pdf

    period = Period(dt.date.fromisoformat(job.params["start"]),
                    dt.date.fromisoformat(job.params["end"]))
    event = job.event
    invoices = invoices_in(event, period)
    total = len(invoices)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, invoice in enumerate(invoices, start=1):
            archive.writestr(invoice_filename(invoice), invoice_pdf(invoice))
            db.session.commit()  # a stored PDF is kept even if a later one fails
            progress(done, total)
        archive.writestr(f"register-{period.label}.xlsx", register_xlsx(invoices))
    path = _write_result(buffer.getvalue(), f"job-{job.id}-{secrets.token_hex(8)}.zip")
    return JobResult(path=path, filename=f"invoices-{event.slug}-{period.label}.zip")


def _write_result(data: bytes, name: str) -> Path:
    folder = result_folder() / RESULT_SUBFOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path
