"""Certificate PDFs read back with real tools: pypdf for the text, PDFium + zxing-cpp for
the QR code."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.content import LocalizedText
from conference.extensions import db
from conference.services.certificates.issuing import release_certificates, verification_url
from conference.services.certificates.pdf import render_certificate
from conference.services.certificates.settings import certificate_settings
from tests.fixtures.badges import decode_qr_codes, pdf_text

pytestmark = pytest.mark.pdf

DAY1, DAY2 = dt.date(2026, 5, 12), dt.date(2026, 5, 13)


@pytest.fixture
def issued(daily_event, make_registration, make_workshop, attend):
    """A two-day attendee who also took a workshop, with a certificate issued."""

    def make(locale: str = "en"):
        event = daily_event(name=LocalizedText({"pl": "Kongres Nauk o Życiu",
                                                "en": "Life Science Congress"}))
        settings = certificate_settings(event)
        settings.body = LocalizedText({"pl": "Za aktywny udział.",
                                       "en": "For active participation."})
        db.session.add(settings)
        workshop = make_workshop(event, title=LocalizedText({"pl": "Warsztat CRISPR",
                                                             "en": "CRISPR workshop"}))
        registration = make_registration(event, first_name="Zofia", last_name="Żółkiewska",
                                         organization="Uniwersytet Jagielloński",
                                         locale=locale)
        attend(registration, DAY1)
        attend(registration, DAY1, "11:05", session=workshop)
        attend(registration, DAY2)
        [certificate] = release_certificates(event)
        db.session.commit()
        return certificate

    return make


def _dates(event, language: str) -> str:
    from flask_babel import force_locale

    from conference.i18n import format_date_range

    with force_locale(language):
        return " ".join(format_date_range(event.starts_on, event.ends_on).split())


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(pdf_text(pdf)).split())


def test_certificate_pdf_shows_name_event_dates_days_sessions_hours_and_address(issued):
    certificate = issued("en")
    text = _text(render_certificate(certificate))
    assert "Certificate of attendance" in text
    assert "Zofia Żółkiewska" in text
    assert "Uniwersytet Jagielloński" in text
    assert "Life Science Congress" in text
    assert _dates(certificate.event, "en") in text
    assert "Days attended: 2" in text
    assert "12 May 2026" in text and "13 May 2026" in text
    assert "CRISPR workshop" in text
    assert "Hours of programme attended: 2" in text
    assert "For active participation." in text
    assert verification_url(certificate) in text


def test_certificate_qr_code_decodes_to_the_verification_address(issued):
    certificate = issued("en")
    assert decode_qr_codes(render_certificate(certificate)) == [verification_url(certificate)]


def test_polish_attendee_gets_a_polish_certificate(issued):
    certificate = issued("pl")
    text = _text(render_certificate(certificate))
    assert "Zaświadczenie o uczestnictwie" in text
    assert "Kongres Nauk o Życiu" in text
    assert "Warsztat CRISPR" in text
    assert "Za aktywny udział." in text
    assert _dates(certificate.event, "pl") in text
    assert "12 maja 2026" in text
    assert "Life Science Congress" not in text


def test_certificate_pdf_is_one_a4_landscape_page(issued):
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render_certificate(issued("en"))))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595


def test_typed_markup_is_printed_as_text_never_fetched(issued):
    certificate = issued("en")
    certificate.full_name = '<img src="file:///etc/passwd">Mallory'
    settings = certificate_settings(certificate.event)
    settings.body = LocalizedText('<link rel=stylesheet href="http://example.org/x.css">')
    db.session.commit()
    text = _text(render_certificate(certificate))
    assert '<img src="file:///etc/passwd">Mallory' in text
    assert "http://example.org/x.css" in text


def test_signature_and_logo_images_are_drawn_with_the_signer(issued):
    import io

    from pypdf import PdfReader

    from conference.models import ReleaseRule
    from conference.services.certificates.settings import save_certificate_settings
    from tests.fixtures.cfp import image_bytes

    certificate = issued("en")
    save_certificate_settings(
        certificate.event, title=LocalizedText(), body=LocalizedText(),
        signer_name="Prof. Anna Nowak", signer_role=LocalizedText({"en": "Chair"}),
        rule=ReleaseRule.CHECKED_IN, rule_minimum=1,
        signature=image_bytes("PNG", (300, 90)), logo=image_bytes("JPEG", (200, 200)))
    db.session.commit()
    pdf = render_certificate(certificate)
    text = _text(pdf)
    assert "Prof. Anna Nowak" in text and "Chair" in text
    images = list(PdfReader(io.BytesIO(pdf)).pages[0].images)
    assert len(images) == 3  # logo, signature, QR code
