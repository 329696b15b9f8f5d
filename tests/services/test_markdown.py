"""User Markdown is rendered with raw HTML and dangerous links removed."""

from __future__ import annotations

from markupsafe import Markup

from conference.markdown import render_markdown


def test_markdown_becomes_html():
    html = render_markdown("A **bold** claim\n\n- one\n- two")
    assert isinstance(html, Markup)
    assert "<strong>bold</strong>" in html
    assert "<li>one</li>" in html


def test_a_script_is_not_rendered():
    html = render_markdown("Hello <script>alert('x')</script>")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown('<img src="x" onerror="alert(1)"> <iframe src="https://x"></iframe>')
    assert "<img" not in html and "<iframe" not in html


def test_javascript_and_data_links_are_dropped():
    for link in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
                 "vbscript:msgbox(1)"):
        html = render_markdown(f"[click]({link}) and <{link}>")
        assert 'href="javascript' not in html.lower()
        assert 'href="data:' not in html and 'href="vbscript' not in html


def test_web_links_are_kept_with_a_safe_rel():
    html = render_markdown("[LSOS](https://lsos.example/)")
    assert 'href="https://lsos.example/"' in html
    assert "noopener" in html and "nofollow" in html


def test_images_and_big_headings_are_not_allowed():
    html = render_markdown("# Shouting\n\n![tracker](https://t.example/pixel.png)")
    assert "<h1>" not in html
    assert "<img" not in html


def test_empty_text_gives_empty_markup():
    assert render_markdown(None) == Markup("")
    assert render_markdown("") == Markup("")
