"""What a WeasyPrint render may load, shared by the certificate, invoice, funder report and
partnering documents: only the files this render names, nothing else.

A document refers to its files as ``<scheme>:<name>`` (``certificate-file:font-regular``);
the fetcher serves exactly the names it was given and refuses every other URL (http, https,
data:, file:, other names), so text that people typed can never make the renderer fetch
anything. The badges keep their own fetcher (conference/services/badges/pdf.py): they serve
static and uploaded files by path and draw QR images on demand, inside a warm process pool.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path


def own_files_fetcher(scheme: str, resources: Mapping[str, bytes | Path]):
    """A WeasyPrint URL fetcher serving ``<scheme>:<name>`` for the names in ``resources``
    (a file's path, or its bytes) and refusing everything else with ``ValueError``."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OwnFilesURLFetcher(URLFetcher):
        """Serves ``<scheme>:<name>`` for this render's own files; refuses the rest."""

        def __init__(self):
            super().__init__(allowed_protocols=(scheme,), fail_on_errors=False)

        def fetch(self, url, headers=None):
            name = url[len(scheme) + 1:] if url.startswith(scheme + ":") else None
            if name not in resources:
                raise ValueError(f"refused: {url[:80]!r}")
            body = resources[name]
            data = body.read_bytes() if isinstance(body, Path) else body
            return URLFetcherResponse(url, data, {})

    return OwnFilesURLFetcher()


@functools.cache
def font_configuration():
    """The process's WeasyPrint font configuration, made once (building it is slow). The
    documents sharing it declare distinct font family names, so their faces never mix."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()
