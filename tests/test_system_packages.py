"""Optional Debian packages: a missing one is a skip naming it (a failure in CI), and
`make install` prints the one apt-get line that installs what is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conference.services.badges import pdf as badge_pdf
from tests import conftest

ROOT = Path(__file__).resolve().parents[1]


class MarkedItem:
    """Just enough of a pytest item for ``pytest_runtest_setup``."""

    def __init__(self, *markers: str):
        self.markers = markers

    def get_closest_marker(self, name):
        return pytest.mark.pdf if name in self.markers else None


def test_a_pdf_test_is_skipped_with_the_install_line_when_harfbuzz_subset_is_missing(
        monkeypatch):
    monkeypatch.setattr(badge_pdf, "harfbuzz_subset_available", lambda: False)
    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install -y libharfbuzz-subset0"):
        conftest.pytest_runtest_setup(MarkedItem("pdf"))


def test_in_ci_a_missing_harfbuzz_subset_fails_the_pdf_test(monkeypatch):
    monkeypatch.setattr(badge_pdf, "harfbuzz_subset_available", lambda: False)
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="libharfbuzz-subset0"):
        conftest.pytest_runtest_setup(MarkedItem("pdf"))


def test_unmarked_tests_and_pdf_tests_with_the_library_run(monkeypatch):
    monkeypatch.setattr(badge_pdf, "harfbuzz_subset_available", lambda: False)
    conftest.pytest_runtest_setup(MarkedItem())
    monkeypatch.setattr(badge_pdf, "harfbuzz_subset_available", lambda: True)
    conftest.pytest_runtest_setup(MarkedItem("pdf"))


def test_a_harfbuzz_subset_file_that_does_not_load_counts_as_missing(monkeypatch, tmp_path):
    broken = tmp_path / "libharfbuzz-subset.so.0"
    broken.write_bytes(b"not a shared library")
    monkeypatch.setattr(badge_pdf.ctypes.util, "find_library", lambda name: str(broken))
    assert badge_pdf.harfbuzz_subset_available() is False


def test_make_install_names_missing_packages_in_one_apt_get_line_and_succeeds(tmp_path):
    make = shutil.which("make")
    if make is None or not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("needs make and the project's .venv (make install)")
    # An empty PATH: chromium is not found, as on a machine without it.
    result = subprocess.run([make, "-s", "system-packages"], cwd=ROOT, env={"PATH": str(tmp_path)},
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    install_lines = [line for line in result.stdout.splitlines() if "apt-get install" in line]
    assert len(install_lines) == 1
    assert install_lines[0].split("apt-get install -y")[1].split()[0] == "chromium"
