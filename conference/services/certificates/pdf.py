"""Certificate PDFs (WeasyPrint): one A4 landscape page per certificate, in its reader's
language, with real text (selectable, read by screen readers), the verification address
printed and as a QR code.

The renderer may load only the few files this certificate names (fonts, signature, logo,
QR code): text that people typed can never make it fetch anything else.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import render_template
from flask_babel import force_locale

from conference.content import LocalizedText, localize
from conference.models import Certificate
from conference.models.types import utcnow
from conference.services.badges.qr import qr_png
from conference.services.badges.text import font_files
from conference.services.certificates.issuing import verification_url
from conference.services.certificates.settings import (
    certificate_settings,
    logo_path,
    signature_path,
)
from conference.services.pdf_files import font_configuration, own_files_fetcher

SCHEME = "certificate-file"



def certificate_language(certificate: Certificate) -> str:
    """The attendee's language (their registration's), else the event's default."""
    return certificate.registration.locale or certificate.event.language


def preview_certificate(event, language: str, now: dt.datetime | None = None) -> bytes:
    """A sample certificate of ``event`` with today's settings, marked as a preview (for the
    organizer to check the look before releasing). Nothing is stored."""
    days = event.days[:2]
    sample = Certificate(event=event, public_id="preview", full_name="Maria Skłodowska-Curie",
                         organization="Uniwersytet Jagielloński",
                         days=[day.isoformat() for day in days], sessions=[],
                         minutes=8 * 60 * len(days), issued_at=now or utcnow())
    return render_certificate(sample, language, preview=True)


def render_certificate(certificate: Certificate, language: str | None = None, *,
                       preview: bool = False) -> bytes:
    """The certificate as a PDF in ``language`` (default: the attendee's)."""
    from weasyprint import HTML

    event = certificate.event
    language = language or certificate_language(certificate)
    settings = certificate_settings(event)
    url = verification_url(certificate)
    resources: dict[str, bytes | Path] = {"qr": qr_png(url),
                                          **{f"font-{k}": v for k, v in font_files().items()}}
    for name, path in (("signature", signature_path(settings)), ("logo", logo_path(settings))):
        if path is not None:
            resources[name] = path
    with force_locale(language):
        html = render_template(
            "certificates/pdf/certificate.html", certificate=certificate, event=event,
            preview=preview, language=language, url=url, scheme=SCHEME, resources=resources,
            title=localize(settings.title, language, event.language),
            body=localize(settings.body, language, event.language),
            event_name=localize(event.name, language, event.language),
            venue=localize(event.venue_name, language, event.language),
            signer_name=settings.signer_name,
            signer_role=localize(settings.signer_role, language, event.language),
            days=[dt.date.fromisoformat(day) for day in certificate.days],
            sessions=[_session_line(entry, language, event.language)
                      for entry in certificate.sessions],
        )
    document = HTML(string=html, url_fetcher=own_files_fetcher(SCHEME, resources))
    return document.write_pdf(font_config=font_configuration(), pdf_tags=True)


def _session_line(entry: dict, language: str, default: str) -> dict:
    starts_at = dt.datetime.fromisoformat(entry["starts_at"]) if entry.get("starts_at") else None
    return {"title": localize(LocalizedText(entry.get("title") or {}), language, default),
            "starts_at": starts_at, "minutes": entry.get("minutes", 0)}


