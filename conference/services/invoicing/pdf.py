"""The invoice PDF (WeasyPrint), drawn from an invoice's snapshot alone, in its language.

The renderer may load only the two font files: every other URL (http, data:, files) is
refused, so text typed by a buyer or an organizer can never make it fetch anything.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import render_template
from flask_babel import force_locale

from conference.extensions import db
from conference.models import Invoice
from conference.services.badges.text import font_files
from conference.services.pdf_files import font_configuration, own_files_fetcher

SCHEME = "invoice-file"


def _amount(value: str) -> str:
    """An amount with two decimals in the invoice's language ("1 230,45" / "1,230.45")."""
    from babel import numbers
    from flask_babel import get_locale

    return numbers.format_decimal(Decimal(value), format="#,##0.00", locale=str(get_locale()))


def render_invoice_pdf(data: dict) -> bytes:
    """The PDF of an invoice snapshot (``Invoice.data``)."""
    from weasyprint import HTML

    fonts = font_files()
    resources = {f"font-{k}": path for k, path in fonts.items()}
    with force_locale(data["language"]):
        html = render_template(
            "invoices/invoice.html", inv=data, fonts={k: f"{SCHEME}:font-{k}" for k in fonts},
            issued_on=dt.date.fromisoformat(data["issued_on"]),
            sale_date=(dt.date.fromisoformat(data["sale_date"]) if data["sale_date"] else None),
            due_on=(dt.date.fromisoformat(data["payment"]["due_on"])
                    if data["payment"]["due_on"] else None),
            amount=_amount)
    return HTML(string=html, url_fetcher=own_files_fetcher(SCHEME, resources)).write_pdf(
        font_config=font_configuration())


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice's stored PDF, rendering and storing it first when it has none yet (written
    once; the caller commits)."""
    if invoice.pdf is None:
        invoice.pdf = render_invoice_pdf(invoice.data)
        db.session.flush()
    return invoice.pdf


def invoice_filename(invoice: Invoice) -> str:
    """A file name for the download, e.g. ``FV-2026-7.pdf``."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in invoice.number)
    return f"{safe}.pdf"
