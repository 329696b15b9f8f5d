"""The shared WeasyPrint fetcher of the certificate, invoice, report and partnering PDFs."""

import pytest

from conference.services.badges.text import font_files
from conference.services.pdf_files import font_configuration, own_files_fetcher


@pytest.fixture
def fetcher(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"logo bytes")
    return own_files_fetcher("test-file", {"logo": tmp_path / "logo.png", "qr": b"qr bytes",
                                           "font-bold": font_files()["bold"]})


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/x", "https://example.org/x", "ftp://example.org/x",
    "data:image/png;base64,iVBORw0KGgo=", "file:///etc/passwd",
    "test-file:unknown", "test-file:", "other-file:logo", "test-filelogo", "logo",
])
def test_own_files_fetcher_refuses_everything_but_the_names_it_was_given(fetcher, url):
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)


def test_own_files_fetcher_serves_a_path_by_reading_the_file(fetcher):
    assert fetcher.fetch("test-file:logo").read() == b"logo bytes"


def test_own_files_fetcher_serves_bytes_as_they_are(fetcher):
    assert fetcher.fetch("test-file:qr").read() == b"qr bytes"


def test_own_files_fetcher_serves_a_font_file(fetcher):
    assert fetcher.fetch("test-file:font-bold").read() == font_files()["bold"].read_bytes()


def test_font_configuration_is_made_once_per_process():
    assert font_configuration() is font_configuration()
