"""Feedback pages: the attendee's rating form, the private-page invitation, the speaker's
results, the organizers' results, settings and exports."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import Feedback, FeedbackOpening
from conference.models.feedback import COMMENT_MAX_LENGTH
from conference.models.types import utcnow
from conference.services.feedback.core import save_settings


@pytest.fixture
def world(feedback_world, open_feedback):
    """The feedback world with feedback open now (it closes in 30 days)."""
    open_feedback(feedback_world.event, closes_at=utcnow() + dt.timedelta(days=30))
    return feedback_world


def _url(w) -> str:
    return f"/e/{w.event.slug}/r/{w.registration.token}/feedback"


def _rows() -> list[Feedback]:
    return list(db.session.execute(db.select(Feedback).order_by(Feedback.id)).scalars())


def _page(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- attendee

def test_the_page_offers_the_event_and_the_attended_sessions_only(client, world):
    html = _page(client.get(_url(world)))
    assert "Gene editing workshop" in html and "Keynote on proteomics" in html
    assert "Cell imaging" not in html
    for key in ("event", f"s{world.booked.id}", f"s{world.starred.id}"):
        assert f'name="rating_{key}"' in html


def test_each_rating_is_a_fieldset_with_a_legend_naming_what_is_rated(client, world):
    html = _page(client.get(_url(world)))
    assert "<legend>Your rating of “Gene editing workshop”" in html


def test_posting_ratings_saves_them_and_comes_back_to_the_page(client, world):
    w = world
    response = client.post(_url(w), data={"rating_event": "4", f"rating_s{w.booked.id}": "5",
                                          f"comment_s{w.booked.id}": "Hands-on, great"})
    assert response.status_code == 302
    assert {(r.session_id, r.rating, r.comment) for r in _rows()} == {
        (None, 4, ""), (w.booked.id, 5, "Hands-on, great")}


def test_posting_again_changes_the_rating(client, world):
    w = world
    client.post(_url(w), data={"rating_event": "2"})
    client.post(_url(w), data={"rating_event": "5", "comment_event": "Better than I said"})
    assert [(r.rating, r.comment) for r in _rows()] == [(5, "Better than I said")]


def test_the_page_shows_the_ratings_already_given(client, world):
    client.post(_url(world), data={"rating_event": "3", "comment_event": "Good coffee"})
    html = _page(client.get(_url(world)))
    assert '<input checked id="rating_event-2" name="rating_event" type="radio" value="3">' in html
    assert "Good coffee" in html


@pytest.mark.parametrize("rating", ["0", "6", "x", "-1", "2147483648", "1e309", "\u0663"])
def test_a_hostile_rating_is_a_form_error_and_saves_nothing(client, world, rating):
    w = world
    response = client.post(_url(w), data={"rating_event": "4",
                                          f"rating_s{w.booked.id}": rating})
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in _page(response)
    assert _rows() == []


def test_a_huge_comment_is_a_form_error(client, world):
    response = client.post(_url(world), data={"rating_event": "4",
                                              "comment_event": "x" * 100_000})
    assert response.status_code == 400
    assert f"{COMMENT_MAX_LENGTH}" in _page(response)
    assert _rows() == []


def test_a_nul_character_is_refused_without_an_error_page(client, world):
    response = client.post(_url(world), data={"rating_event": "4", "comment_event": "a\x00b"})
    assert response.status_code == 400
    assert _rows() == []


def test_a_comment_without_a_rating_asks_for_the_rating(client, world):
    response = client.post(_url(world), data={"comment_event": "Nice venue"})
    assert response.status_code == 400
    assert "Choose a rating to go with your comment." in _page(response)


def test_a_rating_for_a_session_not_attended_is_ignored(client, world):
    w = world
    client.post(_url(w), data={f"rating_s{w.other.id}": "1", "rating_event": "4"})
    assert [r.session_id for r in _rows()] == [None]


def test_after_closing_the_page_shows_the_rating_without_a_form(client, world):
    w = world
    client.post(_url(w), data={"rating_event": "4"})
    save_settings(w.event, enabled=True, opening=FeedbackOpening.AFTER_EVENT,
                  closes_at=utcnow() - dt.timedelta(minutes=1))
    db.session.commit()
    html = _page(client.get(_url(w)))
    assert "Feedback is closed." in html and "Your rating: 4 of 5." in html
    assert 'name="rating_event"' not in html
    assert client.post(_url(w), data={"rating_event": "1"}).status_code == 400
    assert [r.rating for r in _rows()] == [4]


def test_a_wrong_token_gives_404(client, world):
    assert client.get(f"/e/{world.event.slug}/r/{'x' * 32}/feedback").status_code == 404


def test_the_private_page_invites_to_rate_while_feedback_is_open(client, world):
    html = _page(client.get(f"/e/{world.event.slug}/r/{world.registration.token}/"))
    assert "Rate the event and your sessions" in html
    assert _url(world) in html


def test_the_private_page_says_nothing_of_feedback_when_it_is_off(client, feedback_world):
    w = feedback_world
    save_settings(w.event, enabled=False, opening=FeedbackOpening.AFTER_EVENT, closes_at=None)
    db.session.commit()
    html = _page(client.get(f"/e/{w.event.slug}/r/{w.registration.token}/"))
    assert _url(w) not in html


# ---------------------------------------------------------------- speakers

@pytest.fixture
def speaker(world, make_speaker, make_registration):
    """The booked session's speaker; two attendees rated it, one with a comment."""
    w = world
    speaker = make_speaker(w.event)
    w.booked.speakers.append(speaker)
    db.session.add(Feedback(event_id=w.event.id, registration_id=w.registration.id,
                            session_id=w.booked.id, rating=5, comment="Loved the demos"))
    other = make_registration(w.event, first_name="Zygmunt", last_name="Rzepka")
    db.session.add(Feedback(event_id=w.event.id, registration_id=other.id,
                            session_id=w.starred.id, rating=1, comment="Not for me"))
    db.session.commit()
    return speaker


def _close_now(event) -> None:
    save_settings(event, enabled=True, opening=FeedbackOpening.AFTER_EVENT,
                  closes_at=utcnow() - dt.timedelta(minutes=1))
    db.session.commit()


def test_a_speaker_sees_no_feedback_before_it_closes(client, world, speaker):
    html = _page(client.get(f"/e/{world.event.slug}/speaker/{speaker.token}"))
    assert "Feedback on your sessions" not in html
    assert "Loved the demos" not in html


def test_a_speaker_sees_their_sessions_feedback_without_names_after_it_closes(
        client, world, speaker):
    w = world
    _close_now(w.event)
    html = _page(client.get(f"/e/{w.event.slug}/speaker/{speaker.token}"))
    assert "Feedback on your sessions" in html and "Loved the demos" in html
    assert w.registration.last_name not in html and w.registration.email not in html
    assert "Not for me" not in html and "Keynote on proteomics" not in html


# ---------------------------------------------------------------- organizers

@pytest.fixture
def organizer_client(app, world, make_user, login):
    client = app.test_client()
    login(client, make_user(events=[world.event]))
    return client


def test_the_results_page_shows_averages_charts_and_comments_without_names(
        organizer_client, world, speaker):
    html = _page(organizer_client.get(f"/manage/{world.event.slug}/feedback"))
    assert "Gene editing workshop" in html and "Loved the demos" in html
    assert html.count('role="img"') >= 3
    assert "Zygmunt" not in html and "Rzepka" not in html


def test_the_settings_form_switches_feedback_on_with_a_closing_date(organizer_client, world):
    url = f"/manage/{world.event.slug}/feedback/settings"
    response = organizer_client.post(url, data={"enabled": "y", "opening": "after_session",
                                                "closes_at": "2026-06-30T18:00"})
    assert response.status_code == 302
    from conference.services.feedback.core import settings_of

    settings = settings_of(world.event)
    assert settings.opening is FeedbackOpening.AFTER_SESSION
    assert settings.closes_at == dt.datetime(2026, 6, 30, 16, tzinfo=dt.UTC)  # CEST


def test_the_settings_form_asks_for_a_closing_date(organizer_client, world):
    url = f"/manage/{world.event.slug}/feedback/settings"
    response = organizer_client.post(url, data={"enabled": "y", "opening": "after_event",
                                                "closes_at": ""})
    assert response.status_code == 400
    assert "Feedback needs a closing date." in _page(response)


@pytest.mark.parametrize("opening", ["sometime", "", "\r\n"])
def test_an_unknown_opening_is_a_form_error(organizer_client, world, opening):
    url = f"/manage/{world.event.slug}/feedback/settings"
    response = organizer_client.post(url, data={"enabled": "y", "opening": opening,
                                                "closes_at": "2026-06-30T18:00"})
    assert response.status_code == 400


def test_the_exports_download_as_files(organizer_client, world, speaker):
    base = f"/manage/{world.event.slug}/feedback"
    csv_response = organizer_client.get(f"{base}/export.csv")
    assert csv_response.mimetype == "text/csv"
    assert "Loved the demos" in csv_response.get_data(as_text=True)



def test_the_workbook_is_a_job_whose_page_downloads_it_and_logs_the_export(
        organizer_client, world, speaker):
    from conference.models import ExportLogEntry, Job, JobState

    base = f"/manage/{world.event.slug}/feedback"
    started = organizer_client.post(f"{base}/export-xlsx")
    job = db.session.execute(db.select(Job).filter_by(kind="feedback.xlsx")).scalar_one()
    assert started.status_code == 302
    assert started.headers["Location"].endswith(f"/jobs/{job.id}/")
    db.session.refresh(job)
    assert job.state is JobState.DONE and job.progress_total == job.progress_done > 0
    xlsx = organizer_client.get(f"/manage/{world.event.slug}/jobs/{job.id}/result")
    assert xlsx.headers["Content-Disposition"].endswith('-feedback.xlsx"')
    assert xlsx.data[:2] == b"PK"
    logged = [e.what for e in db.session.execute(db.select(ExportLogEntry)).scalars()]
    assert "job.feedback.xlsx" in logged


def test_the_event_overview_links_to_the_feedback_results(organizer_client, world):
    html = _page(organizer_client.get(f"/manage/{world.event.slug}/"))
    assert f'href="/manage/{world.event.slug}/feedback"' in html


def test_a_session_still_to_come_shows_when_it_can_be_rated(client, world):
    """After each session: a session of a later day is listed with its opening time."""
    w = world
    save_settings(w.event, enabled=True, opening=FeedbackOpening.AFTER_SESSION,
                  closes_at=utcnow() + dt.timedelta(days=30))
    w.starred.starts_at = utcnow() + dt.timedelta(days=1)
    w.starred.ends_at = utcnow() + dt.timedelta(days=1, hours=1)
    db.session.commit()
    html = _page(client.get(_url(w)))
    assert "You can rate this from" in html
    assert f'name="rating_s{w.starred.id}"' not in html
    assert f'name="rating_s{w.booked.id}"' in html
