"""Badge pages: the attendee's download, the organizers' pages, and ``flask badges render``."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from conference.extensions import db
from conference.models import BadgeRole, Job, Registration, RegistrationState, Role
from tests.fixtures.badges import decode_qr_codes, pdf_pages, pdf_text


def _names_in_order(pdf: bytes, names: list[str]) -> list[str]:
    text = " ".join(pdf_text(pdf))
    return sorted((n for n in names if n in text), key=text.index)


@pytest.mark.pdf
def test_attendee_downloads_their_own_badge(client, badge_event, make_registration):
    event, attendee, _ = badge_event
    registration = make_registration(event, attendee, first_name="Łukasz",
                                     last_name="Żółkiewski-Wąsowicz")
    response = client.get(f"/e/{event.slug}/r/{registration.token}/badge.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    assert decode_qr_codes(response.data) == [registration.ticket_code]
    assert "Żółkiewski-Wąsowicz" in pdf_text(response.data)[0]


def test_attendee_badge_is_refused_unless_confirmed(client, badge_event, make_registration):
    event, attendee, _ = badge_event
    for state in (RegistrationState.PENDING, RegistrationState.WAITLISTED,
                  RegistrationState.CANCELLED):
        registration = make_registration(event, attendee, state=state)
        assert client.get(f"/e/{event.slug}/r/{registration.token}/badge.pdf").status_code == 404


def test_attendee_badge_with_unknown_token_or_other_event_is_404(
        client, badge_event, make_registration, make_event):
    event, attendee, _ = badge_event
    registration = make_registration(event, attendee)
    other = make_event()
    assert client.get(f"/e/{event.slug}/r/{'x' * 32}/badge.pdf").status_code == 404
    assert client.get(f"/e/{other.slug}/r/{registration.token}/badge.pdf").status_code == 404
    assert client.get(f"/e/nope/r/{registration.token}/badge.pdf").status_code == 404


def test_attendee_page_link_points_to_the_badge(app, badge_event, make_registration):
    from conference.links import links_for

    event, attendee, _ = badge_event
    confirmed = make_registration(event, attendee)
    pending = make_registration(event, attendee, state=RegistrationState.PENDING)
    with app.test_request_context():
        badge_url = f"/e/{event.slug}/r/{confirmed.token}/badge.pdf"
        assert badge_url in [url for _, url in links_for("attendee", confirmed)]
        assert not any(url.endswith("/badge.pdf") for _, url in links_for("attendee", pending))


def _organizer(client, event, make_user, login):
    user = make_user(Role.ORGANIZER, events=[event])
    login(client, user)
    return user


def _print_run(client, event, scope="all", **filters):
    """Start a print run as the page's button does; the job runs (eagerly in tests) and
    its result is downloaded from the job page's link."""
    response = client.post(f"/manage/{event.slug}/badges/print",
                           data={"scope": scope, **filters})
    assert response.status_code == 302
    job_url = response.headers["Location"]
    assert f"/manage/{event.slug}/jobs/" in job_url
    page = client.get(job_url).get_data(as_text=True)
    assert f"{job_url}result" in page
    return client.get(f"{job_url}result")


@pytest.mark.pdf
def test_organizer_downloads_all_badges_sorted_by_last_name(
        client, badge_event, make_registration, make_user, login):
    event, attendee, speaker = badge_event
    for first, last in [("Zofia", "Żak"), ("Adam", "Nowak"), ("Ewa", "Abacka")]:
        make_registration(event, attendee, first_name=first, last_name=last)
    make_registration(event, speaker, last_name="Pendingowa", state=RegistrationState.PENDING)
    _organizer(client, event, make_user, login)
    response = _print_run(client, event)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert pdf_pages(response.data) == 3
    assert _names_in_order(response.data, ["Żak", "Nowak", "Abacka", "Pendingowa"]) == [
        "Abacka", "Nowak", "Żak"]


@pytest.mark.pdf
def test_organizer_downloads_a_filtered_selection(
        client, badge_event, make_registration, make_user, login):
    event, attendee, speaker = badge_event
    make_registration(event, attendee, last_name="Nowak")
    make_registration(event, speaker, last_name="Mówca")
    make_registration(event, attendee, last_name="Prasowa", badge_role_override=BadgeRole.PRESS)
    _organizer(client, event, make_user, login)
    speakers = _print_run(client, event, "selection", role="speaker")
    assert _names_in_order(speakers.data, ["Nowak", "Mówca", "Prasowa"]) == ["Mówca"]
    by_type = _print_run(client, event, "selection", ticket_type=attendee.id)
    assert _names_in_order(by_type.data, ["Nowak", "Mówca", "Prasowa"]) == ["Nowak", "Prasowa"]
    search = _print_run(client, event, "selection", q="prasow")
    assert _names_in_order(search.data, ["Nowak", "Mówca", "Prasowa"]) == ["Prasowa"]


def test_an_empty_selection_explains_instead_of_failing(
        client, badge_event, make_registration, make_user, login):
    event, attendee, _ = badge_event
    make_registration(event, attendee, last_name="Nowak")
    _organizer(client, event, make_user, login)
    response = client.post(f"/manage/{event.slug}/badges/print",
                           data={"scope": "selection", "q": "nobody"}, follow_redirects=True)
    assert response.status_code == 200
    assert "no badges to print" in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Job.id))).scalar() == 0


def test_bad_filter_values_give_an_empty_list_not_an_error(
        client, badge_event, make_registration, make_user, login):
    event, attendee, _ = badge_event
    make_registration(event, attendee, last_name="Nowak")
    _organizer(client, event, make_user, login)
    for args in ({"state": "bogus"}, {"role": "king"}, {"ticket_type": "abc"}):
        response = client.get(f"/manage/{event.slug}/badges/", query_string=args)
        assert response.status_code == 200
        assert "Nowak" not in response.get_data(as_text=True)


def test_badge_list_escapes_names(client, badge_event, make_registration, make_user, login):
    event, attendee, _ = badge_event
    make_registration(event, attendee, last_name="<script>alert(1)</script>")
    _organizer(client, event, make_user, login)
    page = client.get(f"/manage/{event.slug}/badges/").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


@pytest.mark.pdf
def test_organizer_downloads_one_badge_and_reissues_its_code(
        client, badge_event, make_registration, make_user, login):
    event, attendee, _ = badge_event
    registration = make_registration(event, attendee, state=RegistrationState.PENDING)
    old = registration.ticket_code
    _organizer(client, event, make_user, login)
    base = f"/manage/{event.slug}/badges/{registration.id}"
    assert old in client.get(f"{base}/").get_data(as_text=True)
    assert decode_qr_codes(client.get(f"{base}/badge.pdf").data) == [old]
    response = client.post(f"{base}/reissue")
    assert response.status_code == 302
    db.session.expire_all()
    registration = db.session.get(Registration, registration.id)
    assert registration.ticket_code != old
    assert decode_qr_codes(client.get(f"{base}/badge.pdf").data) == [registration.ticket_code]


def test_organizer_of_another_event_cannot_reach_a_registration(
        client, badge_event, make_registration, make_user, login, make_event):
    event, attendee, _ = badge_event
    registration = make_registration(event, attendee)
    other = make_event()
    _organizer(client, other, make_user, login)
    assert client.get(f"/manage/{other.slug}/badges/{registration.id}/badge.pdf").status_code \
        == 404
    assert client.post(f"/manage/{event.slug}/badges/{registration.id}/reissue").status_code \
        == 403


def test_door_staff_cannot_download_badges(client, badge_event, make_registration, make_user,
                                           login):
    event, attendee, _ = badge_event
    make_registration(event, attendee)
    login(client, make_user(Role.DOOR, events=[event]))
    assert client.post(f"/manage/{event.slug}/badges/print",
                       data={"scope": "all"}).status_code == 403


def _png_upload(name="logo.png") -> tuple[io.BytesIO, str]:
    out = io.BytesIO()
    Image.new("RGB", (60, 30), (10, 120, 200)).save(out, format="PNG")
    out.seek(0)
    return out, name


def test_settings_form_saves_layout_and_logo(client, badge_event, make_user, login):
    event, _, _ = badge_event
    _organizer(client, event, make_user, login)
    response = client.post(f"/manage/{event.slug}/badges/settings", data={
        "layout": "a4-4", "double_sided": "y", "logo": _png_upload()},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    db.session.refresh(event)
    assert (event.badge_layout, event.badge_double_sided) == ("a4-4", True)
    assert event.logo_filename and event.logo_filename.endswith(".png")


def test_settings_form_refuses_a_fake_image(client, badge_event, make_user, login):
    event, _, _ = badge_event
    _organizer(client, event, make_user, login)
    response = client.post(f"/manage/{event.slug}/badges/settings", data={
        "layout": "card", "logo": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert "not an image" in response.get_data(as_text=True)
    db.session.expire_all()
    db.session.refresh(event)
    assert (event.badge_layout, event.logo_filename) == ("a6", None)


def test_settings_form_refuses_an_unknown_layout(client, badge_event, make_user, login):
    event, _, _ = badge_event
    _organizer(client, event, make_user, login)
    response = client.post(f"/manage/{event.slug}/badges/settings", data={"layout": "a0"})
    assert response.status_code == 200
    db.session.expire_all()
    db.session.refresh(event)
    assert event.badge_layout == "a6"


@pytest.mark.pdf
def test_cli_renders_the_events_badges_with_a_progress_bar(
        app, badge_event, make_registration, tmp_path):
    event, attendee, _ = badge_event
    people = [make_registration(event, attendee) for _ in range(3)]
    make_registration(event, attendee, state=RegistrationState.CANCELLED)
    out = tmp_path / "badges.pdf"
    result = app.test_cli_runner().invoke(args=[
        "badges", "render", "--event", event.slug, "--out", str(out), "--layout", "a4-8"])
    assert result.exit_code == 0, result.output
    assert "3 badges written" in result.output
    assert "Rendering badges" in result.output
    assert pdf_pages(out.read_bytes()) == 1
    assert decode_qr_codes(out.read_bytes(), dpi=300) == sorted(p.ticket_code for p in people)


def test_cli_refuses_an_unknown_event(app, tmp_path):
    result = app.test_cli_runner().invoke(args=[
        "badges", "render", "--event", "nope", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0
    assert "no event" in result.output


def test_event_overview_links_to_the_badge_pages(client, badge_event, make_user, login):
    event, _, _ = badge_event
    _organizer(client, event, make_user, login)
    page = client.get(f"/manage/{event.slug}/").get_data(as_text=True)
    assert f'href="/manage/{event.slug}/badges/"' in page
    badges_page = client.get(f"/manage/{event.slug}/badges/").get_data(as_text=True)
    assert f"/manage/{event.slug}/badges/settings" in badges_page
