"""The organizer's retention page: settings, preview counts, "anonymise now" as a job."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import Job, JobState, Registration, RetentionSettings, Role


@pytest.fixture
def organizer(client, make_event, make_user, make_registration, login):
    event = make_event()
    make_registration(event, first_name="Ewa", last_name="Zielińska", email="ewa@example.org")
    login(client, make_user(Role.ORGANIZER, events=[event]))
    return client, event


def test_retention_page_shows_the_preview_counts(organizer):
    client, event = organizer
    page = client.get(f"/manage/{event.slug}/privacy/retention")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "What a run removes" in text and "<td>1</td>" in text


def test_saving_settings_changes_the_retention(organizer):
    client, event = organizer
    response = client.post(f"/manage/{event.slug}/privacy/retention", data={
        "months_after_end": "6", "sensitive_days_after_end": "14", "automatic": "y"})
    assert response.status_code == 302
    settings = db.session.query(RetentionSettings).filter_by(event_id=event.id).one()
    assert (settings.months_after_end, settings.sensitive_days_after_end) == (6, 14)


@pytest.mark.parametrize("months, days", [("abc", "30"), ("-3", "30"), ("99999999999", "1"),
                                          ("1", "400"), ("", ""), ("0", "3")])
def test_bad_retention_input_gives_a_form_message(organizer, months, days):
    client, event = organizer
    response = client.post(f"/manage/{event.slug}/privacy/retention", data={
        "months_after_end": months, "sensitive_days_after_end": days})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.query(RetentionSettings).filter_by(
        event_id=event.id).one().months_after_end == 12


def test_run_now_without_confirmation_changes_nothing(organizer):
    client, event = organizer
    response = client.post(f"/manage/{event.slug}/privacy/retention/run", data={})
    assert response.status_code == 302
    assert db.session.query(Job).count() == 0
    assert db.session.query(Registration).one().anonymised_at is None


def test_run_now_anonymises_the_event_as_a_job(organizer):
    client, event = organizer
    response = client.post(f"/manage/{event.slug}/privacy/retention/run",
                           data={"confirm": "y"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.query(Job).one()
    assert job.state is JobState.DONE, job.error_message
    db.session.expire_all()
    person = db.session.query(Registration).one()
    assert person.anonymised_at is not None and person.first_name == ""
