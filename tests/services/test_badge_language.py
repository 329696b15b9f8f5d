"""Badges in their holder's language: the role ribbon, the event's name and its dates."""

from __future__ import annotations

import pytest

from conference.content import LocalizedText
from conference.extensions import db
from conference.services.badges.core import render_badges
from tests.fixtures.badges import pdf_text

NAME = LocalizedText({"pl": "Kongres Nauk o Życiu", "en": "Life Science Congress"})


@pytest.fixture
def event(badge_event):
    event, attendee, _speaker = badge_event
    event.name = NAME
    event.languages = "pl,en"
    db.session.commit()
    return event, attendee


def _text(pdf: bytes, page: int = 0) -> str:
    return " ".join(pdf_text(pdf)[page].split())


@pytest.mark.pdf
def test_a_polish_holders_badge_is_in_polish(event, make_registration):
    event, attendee = event
    registration = make_registration(event, attendee, locale="pl")
    text = _text(render_badges([registration], layout="a6", double_sided=False))
    assert "Kongres Nauk o Życiu" in text and "UCZESTNIK" in text.upper()
    assert "Life Science" not in text and "ATTENDEE" not in text.upper()


@pytest.mark.pdf
def test_an_english_holders_badge_is_in_english(event, make_registration):
    event, attendee = event
    registration = make_registration(event, attendee, locale="en")
    text = _text(render_badges([registration], layout="a6", double_sided=False))
    assert "Life Science Congress" in text and "ATTENDEE" in text.upper()


@pytest.mark.pdf
def test_one_print_run_gives_each_badge_its_holders_language(event, make_registration):
    event, attendee = event
    polish = make_registration(event, attendee, locale="pl")
    english = make_registration(event, attendee, locale="en")
    pdf = render_badges([polish, english], layout="a6", double_sided=False)
    assert "Kongres Nauk o Życiu" in _text(pdf, 0) and "UCZESTNIK" in _text(pdf, 0).upper()
    assert "Life Science Congress" in _text(pdf, 1) and "ATTENDEE" in _text(pdf, 1).upper()


@pytest.mark.pdf
def test_a_language_the_event_no_longer_offers_falls_back_to_its_default(event,
                                                                         make_registration):
    event, attendee = event
    registration = make_registration(event, attendee, locale="en")
    event.languages = "pl"
    db.session.commit()
    text = _text(render_badges([registration], layout="a6", double_sided=False))
    assert "Kongres Nauk o Życiu" in text and "UCZESTNIK" in text.upper()
