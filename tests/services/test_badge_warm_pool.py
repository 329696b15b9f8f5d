"""The warm renderer pool of a job worker: small batches are split over processes that are
already running, in order, and a dead renderer never fails the batch."""

from __future__ import annotations

import os
import signal

import pytest

from conference.models.registrations import new_ticket_code
from conference.services.badges import pdf as badge_pdf
from conference.services.badges.pdf import BadgeData, EventData
from tests.fixtures.badges import decode_qr_codes, pdf_text

EVENT = EventData(name="LifeScience Open Space 2026", dates="12–13 May 2026")
UPLOADS = "/nonexistent-upload-folder"


def _badges(count: int) -> list[BadgeData]:
    return [BadgeData(first_name="Anna", last_name=f"Order{i:02d}", organization="UJ",
                      role="attendee", role_label="Attendee", ticket_code=new_ticket_code())
            for i in range(count)]


def _render(badges, progress=None) -> bytes:
    return badge_pdf.render_pdf(EVENT, badges, layout_key="a6", double_sided=False,
                                upload_root=UPLOADS, progress=progress)


@pytest.fixture
def warm_pool():
    assert badge_pdf.start_warm_pool(UPLOADS, workers=2) == 2
    yield badge_pdf._warm_pool[0]
    badge_pdf.stop_warm_pool()


def test_without_a_pool_a_small_batch_renders_in_one_piece():
    chunks = []
    _render(_badges(20), progress=chunks.append)
    assert chunks == [20]


def test_a_small_batch_is_split_over_the_warm_pool_in_order(warm_pool):
    badges = _badges(20)
    chunks = []
    pdf = _render(badges, progress=chunks.append)
    assert chunks == [10, 10]
    pages = pdf_text(pdf)
    assert [f"Order{i:02d}" in page for i, page in enumerate(pages)] == [True] * 20
    assert decode_qr_codes(pdf, 19) == [badges[19].ticket_code]


def test_a_batch_below_the_pool_threshold_stays_in_this_process(warm_pool):
    chunks = []
    _render(_badges(badge_pdf.POOL_THRESHOLD - 1), progress=chunks.append)
    assert chunks == [badge_pdf.POOL_THRESHOLD - 1]


def test_a_dead_renderer_does_not_fail_the_batch(warm_pool):
    os.kill(next(iter(warm_pool._processes)), signal.SIGKILL)
    chunks = []
    pdf = _render(_badges(12), progress=chunks.append)
    assert len(pdf_text(pdf)) == 12
    assert sum(chunks) == 12  # what the dead pool reported is taken back
    assert badge_pdf._warm_pool is None
