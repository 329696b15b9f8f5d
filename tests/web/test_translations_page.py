"""The organizer's translation spreadsheets page: download, upload, reports, bad files."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import Role


@pytest.fixture
def organizer_client(app, make_event, make_user, login):
    event = make_event(name=LocalizedText({"pl": "Otwarta Przestrzeń"}), languages="pl,en")
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, events=[event]))
    return client, event


def upload(client, event, data: bytes, **fields):
    url = f"/manage/{event.slug}/translations"
    form = {"file": (io.BytesIO(data), "t.xlsx"), **fields}
    return client.post(f"{url}/import", data=form, content_type="multipart/form-data")


def test_the_page_offers_the_events_other_languages(organizer_client):
    client, event = organizer_client
    page = client.get(f"/manage/{event.slug}/translations").get_data(as_text=True)
    choices = re.search(r'<select[^>]*id="lang".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option[^>]*value="(\w+)"', choices) == ["en"]


def test_download_is_an_xlsx_for_the_chosen_language(organizer_client):
    client, event = organizer_client
    response = client.get(f"/manage/{event.slug}/translations/export?lang=en")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f'{event.slug}-translations-en.xlsx"')
    book = load_workbook(io.BytesIO(response.data))
    assert dict(book["about"].iter_rows(values_only=True))["language"] == "en"


@pytest.mark.parametrize("lang", ["pl", "xx", "", "de"])
def test_download_in_a_language_not_offered_goes_back_with_a_message(organizer_client, lang):
    client, event = organizer_client
    response = client.get(f"/manage/{event.slug}/translations/export?lang={lang}")
    assert response.status_code == 302


def test_upload_stores_the_translations_and_shows_the_report(organizer_client):
    client, event = organizer_client
    data = client.get(f"/manage/{event.slug}/translations/export?lang=en").data
    book = load_workbook(io.BytesIO(data))
    for row in book["translations"].iter_rows(min_row=2):
        if row[0].value == f"event.{event.id}.name":
            row[2].value = "Open Space"
    out = io.BytesIO()
    book.save(out)
    response = upload(client, event, out.getvalue())
    assert response.status_code == 200
    assert "Translations applied: 1" in response.get_data(as_text=True)
    db.session.expire_all()
    assert event.name.exact("en") == "Open Space"


def test_upload_of_a_broken_file_says_so_and_changes_nothing(organizer_client):
    client, event = organizer_client
    response = upload(client, event, b"PK\x03\x04 not really a zip")
    assert response.status_code == 400
    assert "not an Excel workbook" in response.get_data(as_text=True)


def test_upload_with_html_lists_the_refused_row(organizer_client):
    client, event = organizer_client
    data = client.get(f"/manage/{event.slug}/translations/export?lang=en").data
    book = load_workbook(io.BytesIO(data))
    book["translations"]["C2"].value = "<script>alert(1)</script>"
    out = io.BytesIO()
    book.save(out)
    response = upload(client, event, out.getvalue())
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "HTML is not accepted" in page and "<script>alert" not in page
    db.session.expire_all()
    assert event.name.exact("en") == ""


def test_upload_without_a_file_is_refused(organizer_client):
    client, event = organizer_client
    url = f"/manage/{event.slug}/translations"
    response = client.post(f"{url}/import", data={})
    assert response.status_code == 400


def test_a_check_only_upload_reports_and_changes_nothing(organizer_client):
    client, event = organizer_client
    data = client.get(f"/manage/{event.slug}/translations/export?lang=en").data
    book = load_workbook(io.BytesIO(data))
    book["translations"]["C2"].value = "Open Space"
    out = io.BytesIO()
    book.save(out)
    response = upload(client, event, out.getvalue(), preview="y")
    assert "Translations that would be applied: 1" in response.get_data(as_text=True)
    db.session.expire_all()
    assert event.name.exact("en") == ""
