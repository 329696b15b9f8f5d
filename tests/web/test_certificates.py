"""Certificate pages: verification, the attendee's download, organizer settings, release,
revocation and the ZIP job, through the Flask client."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from conference.extensions import db
from conference.models import Certificate, CertificateSettings, Job, JobState, Role
from conference.services.certificates.issuing import release_certificates, revoke_certificate
from conference.services.certificates.runs import start_release, start_zip
from conference.services.jobs.core import result_file
from tests.fixtures.badges import pdf_text
from tests.fixtures.cfp import image_bytes

DAY1 = dt.date(2026, 5, 12)


@pytest.fixture
def released(daily_event, make_registration, attend):
    """An event with one attendee checked in and their certificate issued."""
    event = daily_event(name="Open Space 2026")
    registration = make_registration(event, first_name="Jan", last_name="Kowalski",
                                     email="jan@example.org", organization="Secret Lab")
    attend(registration, DAY1)
    [certificate] = release_certificates(event)
    db.session.commit()
    return certificate


@pytest.fixture
def organizer_client(client, make_user, login):
    def make(event):
        login(client, make_user(Role.ORGANIZER, events=[event]))
        return client

    return make


# --- Public verification -----------------------------------------------------------------

def test_verification_page_shows_name_event_and_dates_only(client, released):
    response = client.get(f"/c/{released.public_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Jan Kowalski" in page and "Open Space 2026" in page
    assert "genuine and valid" in page
    assert "jan@example.org" not in page and "Secret Lab" not in page
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_revoked_certificate_verification_page_says_so_without_the_reason(client, released):
    revoke_certificate(released, "Did not attend; scanned by a colleague",
                       now=dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC))
    db.session.commit()
    page = client.get(f"/c/{released.public_id}").get_data(as_text=True)
    assert "revoked on 1 June 2026" in page
    assert "genuine and valid" not in page
    assert "colleague" not in page


@pytest.mark.parametrize("guess", ["nope", "A" * 16, "x" * 200])
def test_unknown_certificate_id_is_a_friendly_404(client, released, guess):
    response = client.get(f"/c/{guess}")
    assert response.status_code == 404
    assert "Certificate not found" in response.get_data(as_text=True)


def test_a_neighbouring_id_is_unknown(client, released):
    last = released.public_id[-1]
    neighbour = released.public_id[:-1] + ("B" if last == "A" else "A")
    assert client.get(f"/c/{neighbour}").status_code == 404


# --- The attendee ------------------------------------------------------------------------

def test_private_page_offers_the_certificate_once_released(
        client, daily_event, make_registration, attend):
    event = daily_event()
    registration = make_registration(event)
    private = f"/e/{event.slug}/r/{registration.token}/"
    assert "certificate.pdf" not in client.get(private).get_data(as_text=True)
    attend(registration, DAY1)
    release_certificates(event)
    db.session.commit()
    assert f"{private}certificate.pdf" in client.get(private).get_data(as_text=True)


@pytest.mark.pdf
def test_attendee_downloads_their_certificate(client, released):
    registration = released.registration
    response = client.get(f"/e/{released.event.slug}/r/{registration.token}/certificate.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Jan Kowalski" in pdf_text(response.data)[0]


def test_revoked_or_unknown_token_certificate_download_is_404(client, released):
    slug = released.event.slug
    assert client.get(f"/e/{slug}/r/{'x' * 32}/certificate.pdf").status_code == 404
    revoke_certificate(released, "")
    db.session.commit()
    token = released.registration.token
    assert client.get(f"/e/{slug}/r/{token}/certificate.pdf").status_code == 404
    assert "certificate.pdf" not in client.get(f"/e/{slug}/r/{token}/").get_data(as_text=True)


# --- Organizer settings ------------------------------------------------------------------

def _settings_form(**extra) -> dict:
    return {"title-pl": "Zaświadczenie", "title-en": "Certificate", "body-pl": "", "body-en": "",
            "signer_name": "Prof. Anna Nowak", "signer_role-pl": "Przewodnicząca",
            "signer_role-en": "Chair", "release_rule": "days", "rule_minimum": "2", **extra}


def _upload_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "certificates"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_organizer_saves_texts_rule_and_a_signature(app, organizer_client, daily_event):
    event = daily_event()
    client = organizer_client(event)
    response = client.post(f"/manage/{event.slug}/certificates", data=_settings_form(
        signature=(io.BytesIO(image_bytes("JPEG", (300, 100))), "signature.jpg")),
        content_type="multipart/form-data")
    assert response.status_code == 302
    settings = db.session.execute(db.select(CertificateSettings)).scalar_one()
    assert settings.title.translations() == {"pl": "Zaświadczenie", "en": "Certificate"}
    assert settings.rule.value == "days" and settings.rule_minimum == 2
    [stored] = _upload_files(app)
    assert stored.read_bytes().startswith(b"\x89PNG")  # re-encoded, not the upload


def test_settings_page_shows_the_saved_rule(organizer_client, daily_event):
    event = daily_event()
    client = organizer_client(event)
    client.post(f"/manage/{event.slug}/certificates", data=_settings_form())
    page = client.get(f"/manage/{event.slug}/certificates").get_data(as_text=True)
    assert '<option selected value="days">' in page or '<option value="days" selected>' in page
    assert 'value="2"' in page


@pytest.mark.parametrize("upload", [
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "signature.png"),
    (b"this is not an image at all", "signature.jpg"),
    (image_bytes("GIF"), "signature.png"),
])
def test_a_signature_that_is_not_a_png_or_jpeg_is_refused_and_nothing_is_saved(
        app, organizer_client, daily_event, upload):
    event = daily_event()
    client = organizer_client(event)
    data, name = upload
    response = client.post(f"/manage/{event.slug}/certificates",
                           data=_settings_form(signature=(io.BytesIO(data), name)),
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "not a PNG or JPEG image" in response.get_data(as_text=True)
    assert db.session.execute(db.select(CertificateSettings)).scalar_one_or_none() is None
    assert _upload_files(app) == []


def test_an_svg_named_svg_is_refused_by_the_form(app, organizer_client, daily_event):
    event = daily_event()
    client = organizer_client(event)
    response = client.post(f"/manage/{event.slug}/certificates", data=_settings_form(
        logo=(io.BytesIO(b"<svg/>"), "logo.svg")), content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Upload a PNG or JPEG image." in response.get_data(as_text=True)
    assert _upload_files(app) == []


def test_a_rule_minimum_out_of_range_is_a_form_message(organizer_client, daily_event):
    event = daily_event()
    client = organizer_client(event)
    response = client.post(f"/manage/{event.slug}/certificates",
                           data=_settings_form(rule_minimum="0"))
    assert response.status_code == 200
    assert db.session.execute(db.select(CertificateSettings)).scalar_one_or_none() is None


# --- Release, revocation, ZIP ------------------------------------------------------------

def test_organizer_releases_certificates_through_a_job(
        organizer_client, daily_event, make_registration, attend):
    event = daily_event()
    for _ in range(2):
        attend(make_registration(event), DAY1)
    make_registration(event)  # never came
    client = organizer_client(event)
    response = client.post(f"/manage/{event.slug}/certificates/release")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.execute(db.select(Job)).scalar_one()
    assert job.kind == "certificates.release" and job.state is JobState.DONE
    assert db.session.query(Certificate).count() == 2
    csv = result_file(job).read_text(encoding="utf-8-sig")
    assert csv.count("/c/") == 2


def test_release_with_nobody_eligible_explains(organizer_client, daily_event,
                                               make_registration):
    event = daily_event()
    make_registration(event)
    client = organizer_client(event)
    page = client.post(f"/manage/{event.slug}/certificates/release",
                       follow_redirects=True).get_data(as_text=True)
    assert "Nobody meets the release rule yet." in page
    assert db.session.query(Job).count() == 0


def test_two_organizers_releasing_at_once_share_one_job(released, make_user):
    event = released.event
    first, created_first = start_release(event, user=make_user(Role.ORGANIZER, events=[event]))
    second, created_second = start_release(event, user=make_user(Role.ORGANIZER,
                                                                 events=[event]))
    assert first.id == second.id and created_first and not created_second


def test_organizer_revokes_and_restores_a_certificate(organizer_client, released):
    event = released.event
    client = organizer_client(event)
    base = f"/manage/{event.slug}/certificates/{released.id}"
    client.post(f"{base}/revoke", data={"reason": "Duplicate"})
    db.session.refresh(released)
    assert released.is_revoked and released.revoke_reason == "Duplicate"
    assert "Duplicate" in client.get(f"/manage/{event.slug}/certificates/issued").get_data(
        as_text=True)
    client.post(f"{base}/restore")
    db.session.refresh(released)
    assert not released.is_revoked


def test_another_events_certificate_is_404_to_an_organizer(organizer_client, released,
                                                           daily_event):
    other = daily_event()
    client = organizer_client(other)
    assert client.get(f"/manage/{other.slug}/certificates/{released.id}/certificate.pdf"
                      ).status_code == 404


@pytest.mark.pdf
def test_zip_job_holds_each_valid_certificate_in_its_attendees_language(
        app, released, make_registration, attend):
    event = released.event
    polish = make_registration(event, first_name="Łucja", last_name="Wąs", locale="pl")
    gone = make_registration(event, first_name="Revoked", last_name="Person")
    attend(polish, DAY1)
    attend(gone, DAY1)
    release_certificates(event)
    revoke_certificate(db.session.execute(db.select(Certificate).filter_by(
        registration_id=gone.id)).scalar_one(), "")
    db.session.commit()
    job, _ = start_zip(event, user=None)
    db.session.commit()
    from conference.jobs import dispatch

    dispatch(job)
    job = db.session.get(Job, job.id, populate_existing=True)
    assert job.state is JobState.DONE, job.error_message
    with zipfile.ZipFile(result_file(job)) as archive:
        names = sorted(archive.namelist())
        assert names == [f"certificate-{event.slug}-jan-kowalski.pdf",
                         f"certificate-{event.slug}-lucja-was.pdf"]
        polish_text = pdf_text(archive.read(names[1]))[0]
        english_text = pdf_text(archive.read(names[0]))[0]
    assert "Łucja Wąs" in polish_text and "Dni obecności: 1" in polish_text
    assert "Jan Kowalski" in english_text and "Day attended: 1" in english_text


@pytest.mark.pdf
def test_organizer_previews_a_sample_certificate_without_storing_one(organizer_client,
                                                                     daily_event):
    event = daily_event()
    client = organizer_client(event)
    response = client.get(f"/manage/{event.slug}/certificates/preview.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)[0]
    assert "Preview: not a valid certificate" in text and "Maria Skłodowska-Curie" in text
    assert db.session.query(Certificate).count() == 0
