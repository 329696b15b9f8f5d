"""Public speaker photos: a versioned URL cached for good, everything else revalidated or gone."""

from __future__ import annotations

import io
import re

import pytest

from conference.extensions import db
from conference.services.cfp.organizer import set_speaker_visibility
from tests.fixtures.cfp import image_bytes

YEAR = 365 * 24 * 3600


@pytest.fixture
def event(make_event, make_cfp):
    event = make_event()
    make_cfp(event)
    return event


@pytest.fixture
def speaker(client, event, make_proposal):
    """An invited (so public) speaker who uploaded a photo through their page."""
    speaker = make_proposal(event).submitter
    speaker.is_invited = True
    db.session.commit()
    _upload(client, event, speaker, size=(300, 200))
    return speaker


def _upload(client, event, speaker, size=None, remove=False):
    data = {"name": "Dr Maria S.", "affiliation": "UJ", "biography": "", "links": ""}
    if size:
        data["photo"] = (io.BytesIO(image_bytes("PNG", size=size)), "p.png")
    if remove:
        data["remove_photo"] = "y"
    response = client.post(f"/e/{event.slug}/speaker/{speaker.token}", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302


def _photo_urls(client, event, speaker) -> set[str]:
    """The photo URLs on the public speakers list and the speaker's public page."""
    urls = set()
    for page in (f"/e/{event.slug}/speakers", f"/e/{event.slug}/speakers/{speaker.id}"):
        html = client.get(page).get_data(as_text=True)
        urls.update(u.replace("&amp;", "&") for u in re.findall(
            r'<img class="speaker-photo" src="([^"]+)"', html))
    return urls


def _cache(response) -> str:
    return response.headers.get("Cache-Control", "")


def test_photo_url_carries_its_version_and_is_cached_for_good(client, event, speaker):
    (url,) = _photo_urls(client, event, speaker)
    assert re.search(r"/photo\?v=[0-9a-f]{20}$", url)
    response = client.get(url)
    assert response.status_code == 200 and response.data[:3] == b"\xff\xd8\xff"
    assert {"public", f"max-age={YEAR}", "immutable"} <= set(
        d.strip() for d in _cache(response).split(","))


@pytest.mark.parametrize("query", ["", "?v=0123456789abcdef0123", "?v=" + "f" * 5000])
def test_photo_under_any_other_url_is_revalidated(client, event, speaker, query):
    response = client.get(f"/e/{event.slug}/speakers/{speaker.id}/photo{query}")
    assert response.status_code == 200
    assert "no-cache" in _cache(response) and "immutable" not in _cache(response)
    again = client.get(f"/e/{event.slug}/speakers/{speaker.id}/photo{query}",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_nul_byte_in_the_version_is_a_400(client, event, speaker):
    response = client.get(f"/e/{event.slug}/speakers/{speaker.id}/photo?v=%00")
    assert response.status_code == 400


def test_replaced_photo_gets_a_new_url_and_the_old_url_shows_it_uncached(
        client, event, speaker):
    (old_url,) = _photo_urls(client, event, speaker)
    old_bytes = client.get(old_url).data
    _upload(client, event, speaker, size=(120, 160))
    (new_url,) = _photo_urls(client, event, speaker)
    assert new_url != old_url
    new = client.get(new_url)
    assert new.data != old_bytes and "immutable" in _cache(new)
    stale = client.get(old_url)
    assert stale.data == new.data
    assert "no-cache" in _cache(stale) and "immutable" not in _cache(stale)


def test_removed_photo_is_gone_from_pages_and_its_url_is_a_404_nobody_keeps(
        client, event, speaker):
    (url,) = _photo_urls(client, event, speaker)
    _upload(client, event, speaker, remove=True)
    assert _photo_urls(client, event, speaker) == set()
    response = client.get(url)
    assert response.status_code == 404 and _cache(response) == "no-store"


def test_hidden_speakers_photo_url_is_a_404_nobody_keeps(client, event, speaker):
    (url,) = _photo_urls(client, event, speaker)
    set_speaker_visibility(speaker, False)
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 404 and _cache(response) == "no-store"
    assert response.data[:3] != b"\xff\xd8\xff"
