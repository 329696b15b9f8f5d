"""The site icon: browsers ask for /favicon.ico on every page; pages link an SVG and the .ico."""

from __future__ import annotations

import io
import re

from PIL import Image


def test_favicon_ico_is_served_as_an_icon_with_small_sizes(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        data = response.data
    with Image.open(io.BytesIO(data)) as icon:
        assert icon.format == "ICO"
        assert {(16, 16), (32, 32)} <= set(icon.info["sizes"])


def test_every_page_links_the_svg_icon_and_the_ico_and_both_are_served(client):
    html = client.get("/").get_data(as_text=True)
    icons = dict(re.findall(r'<link rel="icon" href="([^"]+)"[^>]*?(?:type="([^"]+)")?>', html))
    assert set(icons) == {"/static/img/favicon.svg", "/favicon.ico"}
    with client.get("/static/img/favicon.svg") as svg:
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        assert svg.data.lstrip().startswith(b"<svg")
    with client.get("/favicon.ico") as ico:
        assert ico.status_code == 200
