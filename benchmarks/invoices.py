"""Invoice speed: issuing (numbering under the counter lock, snapshot) and the PDF.

    python benchmarks/invoices.py --count 200

Prints one line:
``invoices=200 issue_p50_ms=.. issue_per_s=.. pdf_p50_ms=.. pdf_p95_ms=.. zip_seconds=..``
``issue_*``: one VAT invoice per paid order, each in its own transaction (the counter row
is held from the number to the commit); ``pdf_*``: one invoice PDF rendered from its
snapshot (WeasyPrint) in this warm process; ``zip_seconds``: the ZIP job's work for all of
them (PDFs already stored, so this is the archive and the XLSX register).
Data: a temporary SQLite database with one event, one issuer and ``count`` buyers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("SECRET_KEY", "benchmark")
        from conference import create_app
        from conference.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                          "UPLOAD_FOLDER": f"{tmp}/uploads",
                          "JOB_RESULT_FOLDER": f"{tmp}/jobs"})
        with app.app_context(), app.test_request_context():
            db.create_all()
            _run(args.count)


def _run(count: int) -> None:
    import datetime as dt

    from conference.extensions import db
    from conference.models import Event, EventStatus, Job, JobState, TicketType
    from conference.services.invoicing.billing import BillingInput, attach_billing
    from conference.services.invoicing.exports import write_zip
    from conference.services.invoicing.issue import issue_vat_invoice
    from conference.services.invoicing.pdf import invoice_pdf
    from conference.services.invoicing.settings import IssuerInput, save_issuer
    from conference.services.registration.attendee_input import AttendeeDetails
    from conference.services.registration.core import register

    event = Event(slug="bench", name="Bench", starts_on=dt.date(2026, 5, 12),
                  ends_on=dt.date(2026, 5, 13), status=EventStatus.PUBLISHED)
    ticket = TicketType(event=event, name="Full pass", price=Decimal("615.00"))
    db.session.add_all([event, ticket])
    db.session.flush()
    save_issuer(event, IssuerInput(legal_name="Fundacja", address="ul. Lea 1\nKraków",
                                   nip="6770065406", place_of_issue="Kraków"))
    db.session.commit()
    orders = []
    for n in range(count):
        registration = register(event, ticket, AttendeeDetails(
            first_name="Anna", last_name=f"Nowak{chr(65 + n % 26)}", email=f"a{n}@example.org",
            country="PL"), privacy_consent=True)
        attach_billing(registration.order, BillingInput(
            company=f"Instytut {n}", address="ul. Pasteura 3\nWarszawa", country="PL",
            tax_id="5260250274"))
        db.session.commit()
        orders.append(registration.order)
    issue_ms, invoices = [], []
    started = time.perf_counter()
    for order in orders:
        t0 = time.perf_counter()
        invoices.append(issue_vat_invoice(order))
        db.session.commit()
        issue_ms.append((time.perf_counter() - t0) * 1000)
    issue_seconds = time.perf_counter() - started
    pdf_ms = []
    for invoice in invoices:
        t0 = time.perf_counter()
        invoice_pdf(invoice)
        db.session.commit()
        pdf_ms.append((time.perf_counter() - t0) * 1000)
    today = invoices[0].issued_on.isoformat()
    job = Job(kind="invoices.zip", event_id=event.id, state=JobState.RUNNING,
              params={"start": today, "end": today})
    db.session.add(job)
    db.session.commit()
    t0 = time.perf_counter()
    write_zip(job, lambda done, total=None: None)
    zip_seconds = time.perf_counter() - t0
    pdf_sorted = sorted(pdf_ms)
    print(f"invoices={count} issue_p50_ms={statistics.median(issue_ms):.1f} "
          f"issue_per_s={count / issue_seconds:.0f} "
          f"pdf_p50_ms={statistics.median(pdf_ms):.0f} "
          f"pdf_p95_ms={pdf_sorted[int(0.95 * (count - 1))]:.0f} zip_seconds={zip_seconds:.2f}")


if __name__ == "__main__":
    main()
