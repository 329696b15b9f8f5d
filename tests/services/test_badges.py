"""Badge services: content from registrations, safety, reissue, settings and logos."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from conference.extensions import db
from conference.models import BadgeRole, Registration, RegistrationChange, RegistrationState
from conference.services.badges import pdf as badge_pdf
from conference.services.badges.core import (
    InvalidLogo,
    NoBadges,
    NotConfirmed,
    UnknownLayout,
    logo_path,
    reissue_ticket_code,
    render_attendee_badge,
    render_badges,
    save_badge_settings,
    select_for_badges,
)
from tests.fixtures.badges import decode_qr_codes, pdf_pages, pdf_text


def _png(size=(40, 20), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.pdf
def test_badge_shows_event_name_person_organization_and_role(badge_event, make_registration):
    event, _, speaker = badge_event
    registration = make_registration(event, speaker, first_name="Łukasz",
                                     last_name="Żółkiewski-Wąsowicz", organization="Selvita")
    text = " ".join(pdf_text(render_badges([registration]))[0].split())
    assert "LifeScience Open Space 2026" in text
    assert "Łukasz Żółkiewski-Wąsowicz" in text
    assert "Selvita" in text
    assert "SPEAKER" in text.upper()


@pytest.mark.pdf
def test_badge_role_override_wins_over_the_ticket_type(badge_event, make_registration):
    event, attendee, _ = badge_event
    registration = make_registration(event, attendee, badge_role_override=BadgeRole.PRESS)
    assert "PRESS" in pdf_text(render_badges([registration]))[0].upper()


@pytest.mark.pdf
def test_badge_qr_code_is_the_registrations_ticket_code(badge_event, make_registration):
    event, attendee, _ = badge_event
    registration = make_registration(event, attendee)
    assert decode_qr_codes(render_badges([registration])) == [registration.ticket_code]


@pytest.mark.pdf
def test_a_renamed_person_gets_the_new_name_on_the_next_badge(badge_event, make_registration):
    event, attendee, _ = badge_event
    registration = make_registration(event, attendee, first_name="Anna", last_name="Kowalska")
    assert "Kowalska" in pdf_text(render_badges([registration]))[0]
    registration.last_name = "Wiśniewska"
    registration.organization = "Ryvu Therapeutics"
    db.session.commit()
    text = pdf_text(render_badges([registration]))[0]
    assert "Wiśniewska" in text and "Ryvu Therapeutics" in text
    assert "Kowalska" not in text


@pytest.mark.pdf
def test_layout_argument_overrides_the_event_setting(badge_event, make_registration):
    event, attendee, _ = badge_event
    event.badge_layout = "a4-8"
    people = [make_registration(event, attendee) for _ in range(3)]
    assert pdf_pages(render_badges(people)) == 1
    assert pdf_pages(render_badges(people, layout="a6")) == 3
    assert pdf_pages(render_badges(people, layout="a6", double_sided=True)) == 6


def test_unknown_layout_is_refused(badge_event, make_registration):
    event, attendee, _ = badge_event
    with pytest.raises(UnknownLayout):
        render_badges([make_registration(event, attendee)], layout="a3-poster")


def test_no_registrations_give_no_pdf(app):
    with pytest.raises(NoBadges):
        render_badges([])


def test_attendees_get_a_badge_only_when_confirmed(badge_event, make_registration):
    event, attendee, _ = badge_event
    pending = make_registration(event, attendee, state=RegistrationState.PENDING)
    with pytest.raises(NotConfirmed):
        render_attendee_badge(pending)


@pytest.mark.pdf
def test_badge_png_shows_a_decodable_qr_code(badge_event, make_registration):
    import zxingcpp

    from conference.services.badges.core import render_badge_png

    event, attendee, _ = badge_event
    registration = make_registration(event, attendee)
    image = Image.open(io.BytesIO(render_badge_png(registration)))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [registration.ticket_code]


def test_the_app_warns_at_start_when_harfbuzz_subset_is_missing(app_config, monkeypatch,
                                                                 caplog):
    from conference import create_app

    monkeypatch.setattr(badge_pdf.ctypes.util, "find_library", lambda name: None)
    with caplog.at_level("WARNING"):
        create_app(app_config)
    assert "libharfbuzz-subset0 is missing" in caplog.text


# --- Safety: user text is text, and the renderer fetches nothing of the user's -----------

HOSTILE_FIELDS = [
    '<img src="http://127.0.0.1:{port}/img">',
    '<link rel="stylesheet" href="http://127.0.0.1:{port}/css">',
    '<style>@import url(http://127.0.0.1:{port}/import);</style>',
    "url(http://127.0.0.1:{port}/url)",
    '<div style="background: url(http://127.0.0.1:{port}/bg)">x</div>',
    "url(file:///etc/passwd)",
    '<img src="file:///etc/passwd">',
    '<object data="http://127.0.0.1:{port}/object"></object>',
]


@pytest.mark.pdf
@pytest.mark.parametrize("field", ["first_name", "last_name", "organization"])
def test_hostile_text_fetches_nothing(badge_event, make_registration, listening_socket, field):
    event, attendee, _ = badge_event
    for template in HOSTILE_FIELDS:
        value = template.format(port=listening_socket.port)
        registration = make_registration(event, attendee, **{field: value[:100]})
        text = " ".join(" ".join(pdf_text(render_badges([registration]))).split())
        assert listening_socket.connections == 0, value
        assert "root:" not in text
        assert value[:100].split()[0] in text  # shown as typed


@pytest.mark.pdf
def test_hostile_event_name_fetches_nothing(badge_event, make_registration, listening_socket):
    event, attendee, _ = badge_event
    event.name = f'<img src="http://127.0.0.1:{listening_socket.port}/e"> Open Space'
    registration = make_registration(event, attendee)
    render_badges([registration])
    assert listening_socket.connections == 0


@pytest.mark.pdf
def test_the_listening_socket_does_see_a_real_fetch(listening_socket):
    """Proves the safety tests above can fail: WeasyPrint's own fetcher does connect."""
    from weasyprint import HTML

    html = f'<img src="http://127.0.0.1:{listening_socket.port}/x">'
    HTML(string=html).write_pdf()
    assert listening_socket.connections == 1


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/x", "https://example.org/x", "ftp://example.org/x",
    "data:image/png;base64,iVBORw0KGgo=", "file:///etc/passwd",
    "file:///usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "badge-qr:NOTONTHISRENDER", "file:///{static}/../config.py",
])
def test_url_fetcher_refuses_everything_but_our_files(app, url, tmp_path):
    fetcher = badge_pdf._url_fetcher_class()([badge_pdf.STATIC_DIR, tmp_path], ["ABCDEF"])
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url.format(static=badge_pdf.STATIC_DIR))


def test_url_fetcher_serves_our_static_files_uploads_fonts_and_qr_images(app, tmp_path):
    (tmp_path / "logo.png").write_bytes(_png())
    fetcher = badge_pdf._url_fetcher_class()([badge_pdf.STATIC_DIR, tmp_path], ["ABCDEF"])
    for url in [(badge_pdf.STATIC_DIR / "css" / "site.css").as_uri(),
                (tmp_path / "logo.png").as_uri(),
                badge_pdf.font_files()["bold"].as_uri(), "badge-qr:ABCDEF"]:
        assert fetcher.fetch(url).read()


# --- Reissue ---------------------------------------------------------------------------

@pytest.mark.pdf
def test_reissue_gives_a_new_code_and_the_old_one_stops_working(
        badge_event, make_registration, make_user):
    event, attendee, _ = badge_event
    registration = make_registration(event, attendee)
    organizer = make_user(events=[event])
    old = registration.ticket_code
    new = reissue_ticket_code(registration, organizer)
    db.session.commit()
    assert new != old and registration.ticket_code == new
    assert db.session.execute(db.select(Registration).filter_by(ticket_code=old)).first() is None
    assert decode_qr_codes(render_badges([registration])) == [new]
    change = db.session.execute(db.select(RegistrationChange)).scalar_one()
    assert (change.action, change.user_id) == ("ticket_code", organizer.id)
    assert old not in change.detail


# --- Selection ---------------------------------------------------------------------------

def test_selection_filters_and_sorts_by_last_name(badge_event, make_registration):
    event, attendee, speaker = badge_event
    make_registration(event, attendee, first_name="Zofia", last_name="Żak")
    make_registration(event, attendee, first_name="Adam", last_name="Nowak")
    make_registration(event, speaker, first_name="Ewa", last_name="Abacka")
    make_registration(event, attendee, last_name="Pending", state=RegistrationState.PENDING)
    make_registration(event, attendee, last_name="Partner", badge_role_override=BadgeRole.PARTNER)
    names = [r.last_name for r in select_for_badges(event)]
    assert names == ["Abacka", "Nowak", "Partner", "Żak"]
    assert [r.last_name for r in select_for_badges(event, role=BadgeRole.SPEAKER)] == ["Abacka"]
    assert [r.last_name for r in select_for_badges(event, role=BadgeRole.PARTNER)] == ["Partner"]
    assert [r.last_name for r in select_for_badges(event, ticket_type_id=speaker.id)] == [
        "Abacka"]
    assert [r.last_name for r in select_for_badges(event, search="nowa")] == ["Nowak"]
    assert [r.last_name for r in select_for_badges(
        event, state=RegistrationState.PENDING)] == ["Pending"]


# --- Settings and logos ------------------------------------------------------------------

@pytest.mark.pdf
def test_settings_store_layout_sides_and_a_reencoded_logo(badge_event, make_registration):
    event, attendee, _ = badge_event
    save_badge_settings(event, layout="card", double_sided=True, logo=_png())
    db.session.commit()
    assert (event.badge_layout, event.badge_double_sided) == ("card", True)
    path = logo_path(event)
    assert path is not None and path.read_bytes().startswith(b"\x89PNG")
    pdf = render_badges([make_registration(event, attendee)])
    assert pdf_pages(pdf) == 2
    assert b"/Subtype /Image" in pdf.replace(b"/Subtype/Image", b"/Subtype /Image")


def test_replacing_the_logo_removes_the_old_file(badge_event):
    event, _, _ = badge_event
    save_badge_settings(event, layout="a6", double_sided=False, logo=_png())
    first = logo_path(event)
    save_badge_settings(event, layout="a6", double_sided=False, logo=_png(colour=(0, 0, 0)))
    assert first is not None and not first.exists() and logo_path(event) != first
    save_badge_settings(event, layout="a6", double_sided=False, remove_logo=True)
    assert event.logo_filename is None


@pytest.mark.parametrize("data", [
    b"<svg xmlns='http://www.w3.org/2000/svg'><image href='http://127.0.0.1:9/'/></svg>",
    b"<html><img src=x></html>", b"\x89PNG\r\n\x1a\nbroken", b"",
])
def test_a_logo_that_is_not_a_real_image_is_refused(badge_event, data):
    event, _, _ = badge_event
    with pytest.raises(InvalidLogo):
        save_badge_settings(event, layout="a6", double_sided=False, logo=data or b"x")
    assert event.logo_filename is None
