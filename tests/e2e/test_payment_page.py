"""The payment instructions on a 360 px phone, in a real Chromium: nothing sticks out and the
payment QR, as the page shows it, still decodes."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from conference.extensions import db
from conference.i18n import LANGUAGE_COOKIE
from conference.services.payments.bank_account import save_bank_transfer

pytestmark = pytest.mark.browser



@pytest.fixture
def phone_page(chromium):
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("locale", ["en", "pl"])
def test_payment_instructions_fit_a_phone_and_the_shown_qr_decodes(
        app, live_server, phone_page, make_event, make_ticket_type, sign_up, locale):
    event = make_event()
    save_bank_transfer(event, payee_name="Fundacja Klastra LifeScience Kraków",
                       iban="PL61 1090 1014 0000 0712 1981 2874",
                       bank_name="Santander Bank Polska S.A.", bic="WBKPPLPP")
    db.session.commit()
    ticket = make_ticket_type(event, price=Decimal("250.00"))
    registration = sign_up(event, ticket, who={"locale": locale})
    reference = registration.order.reference
    page = phone_page
    page.context.add_cookies([{"name": LANGUAGE_COOKIE, "value": locale, "url": live_server}])
    page.goto(f"{live_server}/e/{event.slug}/r/{registration.token}/")
    heading = {"en": "How to pay", "pl": "Jak zapłacić"}[locale]
    assert heading in page.inner_text(".payment")
    assert reference in page.inner_text(".payment")
    too_wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 360)
        .map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30))""")
    assert too_wide == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    iban = page.locator(".payment .iban")
    line_height = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.payment .iban')).lineHeight)")
    assert iban.bounding_box()["height"] < 2 * line_height  # one line
    image = page.locator(".payment-codes img")
    image.wait_for()
    assert page.evaluate("document.querySelector('.payment-codes img').naturalWidth") > 0
    assert image.bounding_box()["width"] <= 360
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.screenshot())))
    assert code.text.split("|")[5] == reference
