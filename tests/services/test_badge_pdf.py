"""The badge PDF engine, checked with real tools: PDFium, zxing-cpp, pypdf."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from pypdf import PdfReader

from conference.models.registrations import new_ticket_code
from conference.services.badges import pdf as badge_pdf
from conference.services.badges import text as badge_text
from conference.services.badges.pdf import LAYOUTS, MM_TO_PT, BadgeData, EventData
from tests.conftest import skip_or_fail
from tests.fixtures.badges import char_boxes, decode_qr_codes, pdf_pages, pdf_text

EVENT = EventData(name="LifeScience Open Space 2026", dates="12–13 May 2026")
POLISH = ("Łukasz", "Żółkiewski-Wąsowicz")
#: 60 characters with spaces, and 60 characters in one unbreakable word.
LONG_NAMES = [
    ("Maximiliana Konstancja Aleksandra", "Wierzbicka-Szczepańska Kow"),
    ("", "Pneumonoultramicroscopicsilicovolcanoconiosisbutlongerstillx"),
]


def badge(first="Anna", last="Nowak", organization="Jagiellonian University", role="attendee",
          code=None) -> BadgeData:
    return BadgeData(first_name=first, last_name=last, organization=organization, role=role,
                     role_label=role.title(), ticket_code=code or new_ticket_code())


def render(badges, layout="a6", double_sided=False, tmp_path: Path | None = None, event=EVENT):
    return badge_pdf.render_pdf(event, badges, layout_key=layout, double_sided=double_sided,
                                upload_root=str(tmp_path or "/nonexistent-upload-folder"))


def test_long_names_are_60_characters():
    assert [len(f"{first} {last}".strip()) for first, last in LONG_NAMES] == [60, 60]


@pytest.mark.pdf
def test_qr_code_on_the_rendered_badge_decodes_to_the_ticket_code():
    code = new_ticket_code()
    pdf = render([badge(*POLISH, code=code)])
    assert decode_qr_codes(pdf) == [code]


@pytest.mark.pdf
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_qr_code_of_a_sheet_decodes(layout):
    badges = [badge(code=new_ticket_code()) for _ in range(LAYOUTS[layout].per_page)]
    pdf = render(badges, layout)
    assert decode_qr_codes(pdf, dpi=300) == sorted(b.ticket_code for b in badges)


def test_many_ticket_codes_give_decodable_qr_images():
    import zxingcpp
    from PIL import Image

    for _ in range(60):
        code = new_ticket_code()
        image = Image.open(io.BytesIO(badge_pdf.qr_png(code))).convert("L")
        image = image.resize((image.width * 8, image.height * 8), Image.NEAREST)
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [code]


@pytest.mark.pdf
def test_polish_name_is_extracted_intact():
    text = pdf_text(render([badge(*POLISH, organization="Uniwersytet Łódzki")]))[0]
    assert "Łukasz" in text
    assert "Żółkiewski-Wąsowicz" in text
    assert "Uniwersytet Łódzki" in text


@pytest.mark.pdf
def test_other_european_letters_are_extracted_intact():
    names = [("Jānis", "Bērziņš"), ("Søren", "Ødegård"), ("Zoë", "Brontë-Ďurček"),
             ("Ştefan", "Çelik-Őry"), ("Eilidh", "Mac Giolla Bhríde")]
    pdf = render([badge(first, last) for first, last in names])
    pages = pdf_text(pdf)
    for (first, last), text in zip(names, pages, strict=True):
        assert f"{first} {last}" in " ".join(text.split())


@pytest.mark.pdf
def test_fonts_are_embedded():
    reader = PdfReader(io.BytesIO(render([badge(*POLISH)])))
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            fonts.append(descriptor.get_object())
    assert fonts
    assert all(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in fonts)


@pytest.mark.pdf
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize(("first", "last"), LONG_NAMES)
def test_a_60_character_name_stays_on_its_badge(layout, first, last):
    spec = LAYOUTS[layout]
    badges = [badge(first, last) for _ in range(spec.per_page)]
    pdf = render(badges, layout)
    (width, height), boxes = char_boxes(pdf)
    cells = [(left * MM_TO_PT, height - (top + spec.badge[1]) * MM_TO_PT,
              (left + spec.badge[0]) * MM_TO_PT, height - top * MM_TO_PT)
             for left, top in badge_pdf._cells(spec)]
    pad = badge_pdf._geometry(spec)["pad"] * MM_TO_PT * 0.5
    for char, left, bottom, right, top in boxes:
        assert any(cl + pad <= left and right <= cr - pad and cb <= bottom and top <= ct
                   for cl, cb, cr, ct in cells), f"{char!r} leaves its badge ({layout})"
    extracted = "".join(char for char, *_ in boxes)
    assert extracted.count(last.replace(" ", "")) == spec.per_page


def test_fitted_name_never_exceeds_its_box():
    for name in ["Al", "Łukasz Żółkiewski-Wąsowicz", "W" * 60, " ".join(["Wawrzyniec"] * 6)]:
        lines, size = badge_text.fit_text(name, 50, 20, max_pt=26, max_lines=3)
        widest = max(badge_text.text_width_em(line) for line in lines) * size
        assert widest <= 50 * MM_TO_PT
        assert len(lines) * badge_text.LINE_HEIGHT * size <= 20 * MM_TO_PT
        assert " ".join(lines) == name


@pytest.mark.parametrize(("layout", "count", "double_sided", "pages"), [
    ("a6", 3, False, 3),
    ("a6", 3, True, 6),
    ("card", 5, False, 5),
    ("card", 5, True, 10),
    ("a4-8", 9, False, 2),
    ("a4-8", 9, True, 4),
    ("a4-4", 5, False, 2),
    ("a4-4", 5, True, 4),
])
@pytest.mark.pdf
def test_every_layout_gives_the_expected_pages(layout, count, double_sided, pages):
    badges = [badge(last=f"Person{i:02d}") for i in range(count)]
    pdf = render(badges, layout, double_sided)
    assert pdf_pages(pdf) == pages
    text = "".join(pdf_text(pdf))
    for b in badges:
        assert text.count(b.last_name) == (2 if double_sided else 1)


@pytest.mark.pdf
def test_the_back_repeats_the_name_without_a_qr_code():
    pdf = render([badge(*POLISH)], "a6", double_sided=True)
    front, back = pdf_text(pdf)
    assert "Żółkiewski-Wąsowicz" in back
    assert decode_qr_codes(pdf, 1) == []


def test_sheet_backs_mirror_the_columns_for_duplex_printing():
    pages = badge_pdf.badge_pages(LAYOUTS["a4-8"], 3, double_sided=True)
    assert pages[0] == [(0, "front"), (1, "front"), (2, "front")]
    assert pages[1] == [(0, "back", 1), (1, "back", 0), (2, "back", 3)]


@pytest.mark.pdf
def test_role_ribbon_shows_the_role_label():
    text = pdf_text(render([badge(role="speaker")]))[0]
    assert "SPEAKER" in text.upper()


@pytest.mark.pdf
def test_parallel_rendering_keeps_the_order(monkeypatch):
    monkeypatch.setattr(badge_pdf, "PARALLEL_THRESHOLD", 4)
    monkeypatch.setattr(badge_pdf, "CHUNK_SIZE", 2)
    badges = [badge(last=f"Order{i:02d}") for i in range(7)]
    pdf = badge_pdf.render_pdf(EVENT, badges, layout_key="a6", double_sided=False,
                               upload_root="/nonexistent", workers=2)
    pages = pdf_text(pdf)
    assert [f"Order{i:02d}" in page for i, page in enumerate(pages)] == [True] * 7


def test_a_missing_harfbuzz_subsetter_is_warned_about(monkeypatch, caplog):
    from conference.services.badges import core as badges

    monkeypatch.setattr(badge_pdf.ctypes.util, "find_library", lambda name: None)
    with caplog.at_level(logging.WARNING):
        assert badges.warn_if_font_subsetting_is_slow() is False
    assert "libharfbuzz-subset0" in caplog.text


@pytest.mark.pdf
def test_the_harfbuzz_subsetter_is_installed_here():
    assert badge_pdf.harfbuzz_subset_available()


def _font_names(pdf: bytes) -> set[str]:
    """Family names inside the embedded font files."""
    from fontTools.ttLib import TTFont

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            data = descriptor.get_object()["/FontFile2"].get_object().get_data()
            with TTFont(io.BytesIO(data)) as embedded:
                names.add(embedded["name"].getDebugName(1))
    return names


def _clear_font_caches():
    for cached in (badge_text.font_files, badge_text.advances, badge_pdf._stylesheet,
                   badge_pdf._font_config):
        cached.cache_clear()


@pytest.mark.pdf
def test_badges_use_dejavu_sans_from_debian():
    if not (badge_text.DEJAVU_DIR / "DejaVuSans.ttf").exists():
        skip_or_fail("fonts-dejavu-core is missing (apt-get install -y fonts-dejavu-core)")
    assert _font_names(render([badge(*POLISH)])) == {"DejaVu Sans"}


@pytest.mark.pdf
def test_without_debian_fonts_badges_use_roboto_from_pypi(monkeypatch, tmp_path):
    monkeypatch.setattr(badge_text, "DEJAVU_DIR", tmp_path / "no-fonts-here")
    _clear_font_caches()
    try:
        pdf = render([badge(*POLISH)])
        assert _font_names(pdf) == {"Roboto"}
        assert "Żółkiewski-Wąsowicz" in pdf_text(pdf)[0]
    finally:
        _clear_font_caches()
