"""The invoice PDF (WeasyPrint), drawn from an invoice's snapshot alone, in its language.

The renderer may load only the two font files: every other URL (http, data:, files) is
refused, so text typed by a buyer or an organizer can never make it fetch anything.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from flask import render_template
from flask_babel import force_locale

from conference.extensions import db
from conference.models import Invoice
from conference.services.badges.text import font_files


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontsOnly(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("file",), fail_on_errors=False)
            self.files = {path.resolve().as_uri(): path for path in font_files().values()}

        def fetch(self, url, headers=None):
            path = self.files.get(url)
            if path is None:
                raise ValueError(f"refused: {url[:80]!r}")
            return URLFetcherResponse(url, path.read_bytes(), {})

    return FontsOnly()


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _amount(value: str) -> str:
    """An amount with two decimals in the invoice's language ("1 230,45" / "1,230.45")."""
    from babel import numbers
    from flask_babel import get_locale

    return numbers.format_decimal(Decimal(value), format="#,##0.00", locale=str(get_locale()))


def render_invoice_pdf(data: dict) -> bytes:
    """The PDF of an invoice snapshot (``Invoice.data``)."""
    from weasyprint import HTML

    with force_locale(data["language"]):
        html = render_template(
            "invoices/invoice.html", inv=data, fonts={k: v.resolve().as_uri()
                                                      for k, v in font_files().items()},
            issued_on=dt.date.fromisoformat(data["issued_on"]),
            sale_date=(dt.date.fromisoformat(data["sale_date"]) if data["sale_date"] else None),
            due_on=(dt.date.fromisoformat(data["payment"]["due_on"])
                    if data["payment"]["due_on"] else None),
            amount=_amount)
    return HTML(string=html, url_fetcher=_fetcher()).write_pdf(font_config=_font_config())


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
