"""Browser fixtures shared by the end-to-end tests: the app on a real loopback HTTP server,
and Debian's Chromium driven by Playwright (skipped with the reason where either is missing,
a failure in CI)."""

from __future__ import annotations

import shutil
import threading

import pytest

from tests.conftest import skip_or_fail

CHROMIUM = "/usr/bin/chromium"
#: What every launch needs here (no sandbox as root, no GPU, no calls home).
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def live_server(app):
    """The app served by a real HTTP server on a free loopback port, in a thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture(scope="session")
def playwright_instance():
    """Playwright, once Chromium and the Python package are known to be there (one per test
    process: the end-to-end tests run one after another, see ``SLOW_FIRST``)."""
    if not shutil.which(CHROMIUM):
        skip_or_fail("Debian's chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_instance):
    """A headless Chromium with the usual arguments, launched once per test process; each
    test opens its own context (cookies, storage), so tests share nothing but the browser."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                  args=BROWSER_ARGS)
    yield browser
    browser.close()
