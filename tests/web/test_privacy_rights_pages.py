"""The attendee's privacy page (download, erase), the emailed confirmation link, and the
organizers' erasure requests, through the Flask client."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest

from conference.extensions import db
from conference.models import ErasureRequest, ErasureState, OutboxMessage, Registration, Role
from conference.models.types import utcnow


@pytest.fixture
def person(make_event, make_registration):
    event = make_event()
    return make_registration(event, first_name="Ola", last_name="Wrona",
                             email="ola@example.org")


def _private(person, path=""):
    return f"/e/{person.event.slug}/r/{person.token}/privacy{path}"


def _link() -> str:
    message = db.session.query(OutboxMessage).filter_by(kind="privacy.erasure_confirm").one()
    return re.search(r"(/e/[^/\s]+/erasure/[\w-]+)", message.body_text).group(1)


def _request_and_confirm(client, person):
    client.post(_private(person, "/erase"))
    link = _link()
    assert client.post(link).status_code == 200
    return link


def test_private_page_links_to_my_data(client, person):
    page = client.get(f"/e/{person.event.slug}/r/{person.token}/")
    assert _private(person) in page.get_data(as_text=True)


def test_download_gives_a_zip_with_my_data(client, person):
    response = client.get(_private(person, "/my-data.zip"))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert json.loads(archive.read("data.json"))["registration"]["last_name"] == "Wrona"


def test_erase_asks_for_confirmation_by_email(client, person):
    response = client.post(_private(person, "/erase"), follow_redirects=True)
    assert "sent you an email" in response.get_data(as_text=True)
    assert db.session.query(ErasureRequest).one().state is ErasureState.UNCONFIRMED


def test_opening_the_link_confirms_nothing_until_the_button(client, person):
    client.post(_private(person, "/erase"))
    page = client.get(_link())
    assert page.status_code == 200 and "Confirm the erasure" in page.get_data(as_text=True)
    assert db.session.query(ErasureRequest).one().state is ErasureState.UNCONFIRMED


def test_the_button_confirms_and_a_second_use_says_it_was_used(client, person):
    link = _request_and_confirm(client, person)
    assert db.session.query(ErasureRequest).one().state is ErasureState.PENDING
    again = client.post(link)
    assert again.status_code == 200
    assert "used already" in again.get_data(as_text=True)


def test_an_expired_link_says_so(client, person):
    client.post(_private(person, "/erase"))
    request = db.session.query(ErasureRequest).one()
    request.link_expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    response = client.post(_link())
    assert response.status_code == 200 and "expired" in response.get_data(as_text=True)
    assert request.state is ErasureState.UNCONFIRMED


@pytest.mark.parametrize("secret", ["x" * 32, "x" * 300, "%00", "..%2F..%2Fetc"])
def test_an_unknown_link_is_404_with_a_message(client, person, secret):
    response = client.get(f"/e/{person.event.slug}/erasure/{secret}")
    assert response.status_code == 404


def test_organizer_sees_and_completes_a_request(client, person, make_user, login):
    _request_and_confirm(client, person)
    login(client, make_user(Role.ORGANIZER, events=[person.event]))
    page = client.get(f"/manage/{person.event.slug}/privacy/erasures")
    assert "Ola Wrona" in page.get_data(as_text=True)
    request = db.session.query(ErasureRequest).one()
    client.post(f"/manage/{person.event.slug}/privacy/erasures/{request.id}/complete")
    db.session.expire_all()
    assert db.session.get(Registration, person.id).anonymised_at is not None
    assert client.get(_private(person)).status_code == 404


def test_organizer_holds_a_request_with_a_reason(client, person, make_user, login):
    _request_and_confirm(client, person)
    login(client, make_user(Role.ORGANIZER, events=[person.event]))
    request = db.session.query(ErasureRequest).one()
    url = f"/manage/{person.event.slug}/privacy/erasures/{request.id}/hold"
    client.post(url, data={"reason": ""})
    assert request.state is ErasureState.PENDING
    client.post(url, data={"reason": "Invoice issued"})
    db.session.expire_all()
    assert db.session.get(ErasureRequest, request.id).state is ErasureState.HELD
    page = client.get(_private(person)).get_data(as_text=True)
    assert "Invoice issued" in page


def test_a_held_request_says_on_both_pages_that_the_data_goes_at_the_retention_end(
        client, person, make_user, login):
    from conference.services.privacy.retention import anonymise_due_at

    _request_and_confirm(client, person)
    login(client, make_user(Role.ORGANIZER, events=[person.event]))
    request = db.session.query(ErasureRequest).one()
    client.post(f"/manage/{person.event.slug}/privacy/erasures/{request.id}/hold",
                data={"reason": "Invoice issued"})
    year = anonymise_due_at(person.event).astimezone(person.event.tz).strftime("%Y")
    attendee = client.get(_private(person) + "?lang=en").get_data(as_text=True)
    assert "Even so, your data is anonymised on" in attendee and year in attendee
    organizer = client.get(f"/manage/{person.event.slug}/privacy/erasures?lang=en"
                           ).get_data(as_text=True)
    assert "Anonymised anyway at the retention end" in organizer
    assert "issued invoices are kept" in organizer
