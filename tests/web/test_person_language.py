"""The language of a person: remembered at registration, proposal and login, changed on
their private page, and used for their emails (delivered through a real SMTP server)."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import DecisionKind, Registration, Role, User
from conference.services.cfp import decisions
from conference.services.messaging.outbox import deliver_pending
from tests.web.test_registration import form_data

LATER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
NAME = LocalizedText({"pl": "Kongres Nauk o Życiu", "en": "Life Science Congress"})


@pytest.fixture
def event(make_event):
    return make_event(slug="lsc", name=NAME, languages="pl,en")


@pytest.fixture
def standard(event, make_ticket_type):
    return make_ticket_type(event, name=LocalizedText({"pl": "Standardowy", "en": "Standard"}))


def _lang(response) -> str:
    return response.get_data(as_text=True).split('<html lang="', 1)[1].split('"', 1)[0]


def _register(client, standard, language: str, email: str) -> Registration:
    client.post("/lang", data={"lang": language, "next": "/"})
    response = client.post("/e/lsc/register", data=form_data(standard, email=email))
    assert response.status_code == 302
    db.session.expire_all()
    return db.session.execute(db.select(Registration).filter_by(email=email)).scalar_one()


def _parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk()
            if not part.is_multipart()}


def test_a_polish_registrant_gets_a_polish_email_naming_the_event_in_polish(
        app, client, standard, smtp_server):
    registration = _register(client, standard, "pl", "ola@example.org")
    assert registration.locale == "pl"
    deliver_pending(now=LATER)
    [message] = smtp_server.to("ola@example.org")
    assert message["Subject"] == "Kongres Nauk o Życiu: Rejestracja potwierdzona"
    assert "Kongres Nauk o Życiu" in _parts(message)["text/plain"]
    assert "Life Science Congress" not in _parts(message)["text/plain"]


def test_an_english_registrant_gets_an_english_email_naming_the_event_in_english(
        app, client, standard, smtp_server):
    _register(client, standard, "en", "john@example.org")
    deliver_pending(now=LATER)
    [message] = smtp_server.to("john@example.org")
    assert message["Subject"] == "Life Science Congress: Your registration is confirmed"
    assert "Life Science Congress" in _parts(message)["text/plain"]


def test_the_private_page_offers_the_events_languages(client, event, make_registration):
    registration = make_registration(event, locale="en")
    page = client.get(f"/e/lsc/r/{registration.token}/").get_data(as_text=True)
    assert 'action="/e/lsc/r/' + registration.token + '/language"' in page
    assert '<option value="pl">Polski' in page and '<option selected value="en">' in page


def test_the_private_page_shows_in_the_persons_language(app, event, make_registration):
    registration = make_registration(event, locale="pl")
    fresh = app.test_client()
    response = fresh.get(f"/e/lsc/r/{registration.token}/", headers={"Accept-Language": "en"})
    assert _lang(response) == "pl"


def test_changing_the_language_saves_it_and_the_page_follows(client, event, make_registration):
    registration = make_registration(event, locale="en")
    response = client.post(f"/e/lsc/r/{registration.token}/language", data={"language": "pl"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).locale == "pl"
    assert _lang(client.get(f"/e/lsc/r/{registration.token}/")) == "pl"


@pytest.mark.parametrize("language", ["de", "xx", "", "pl<script>"])
def test_a_language_the_event_does_not_offer_is_refused(client, event, make_registration,
                                                        language):
    registration = make_registration(event, locale="en")
    response = client.post(f"/e/lsc/r/{registration.token}/language",
                           data={"language": language}, follow_redirects=True)
    assert response.status_code == 200
    assert "Choose one of the languages offered." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).locale == "en"


def test_a_language_change_needs_the_csrf_token(app, event, make_registration):
    app.config["WTF_CSRF_ENABLED"] = True
    registration = make_registration(event, locale="en")
    response = app.test_client().post(f"/e/lsc/r/{registration.token}/language",
                                      data={"language": "pl"})
    assert response.status_code in (302, 400)
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).locale == "en"


def test_emails_after_a_change_are_in_the_new_language(app, client, event, make_registration,
                                                       smtp_server):
    registration = make_registration(event, locale="en", email="kasia@example.org")
    client.post(f"/e/lsc/r/{registration.token}/language", data={"language": "pl"})
    client.post(f"/e/lsc/r/{registration.token}/cancel", data={"submit": "y"})
    deliver_pending(now=LATER)
    [message] = smtp_server.to("kasia@example.org")
    assert message["Subject"].startswith("Kongres Nauk o Życiu: ")
    assert "Your registration" not in message["Subject"]


def test_a_speaker_changes_their_language_on_their_page(client, event, make_cfp, make_proposal):
    make_cfp(event)
    speaker = make_proposal(event).submitter
    url = f"/e/lsc/speaker/{speaker.token}"
    assert f'action="{url}/language"' in client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/language", data={"language": "pl"})
    assert response.status_code == 302
    db.session.expire_all()
    assert speaker.locale == "pl"
    assert _lang(client.get(url)) == "pl"


def test_decision_emails_are_in_each_speakers_language(app, event, make_cfp, make_proposal,
                                                       smtp_server):
    make_cfp(event)
    polish = make_proposal(event, email="pl@example.org")
    english = make_proposal(event, email="en@example.org")
    polish.submitter.locale, english.submitter.locale = "pl", "en"
    decisions.decide([polish, english], DecisionKind.REJECTED)
    decisions.release_decision_emails(event)
    db.session.commit()
    deliver_pending(now=LATER)
    [to_pl] = [m for m in smtp_server.to("pl@example.org") if "Zgłoszenie" in m["Subject"]]
    [to_en] = [m for m in smtp_server.to("en@example.org") if "Your proposal" in m["Subject"]]
    assert to_pl["Subject"].startswith("Kongres Nauk o Życiu: ")
    assert "Kongres Nauk o Życiu" in _parts(to_pl)["text/plain"]
    assert to_en["Subject"].startswith("Life Science Congress: ")


def test_logging_in_remembers_the_accounts_language(app, client, make_user, login):
    user = make_user(Role.REVIEWER)
    client.post("/lang", data={"lang": "pl", "next": "/"})
    login(client, user)
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "pl"


def test_a_language_chosen_in_this_browser_beats_the_stored_one(app, event, make_registration):
    registration = make_registration(event, locale="pl")
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    assert _lang(browser.get(f"/e/lsc/r/{registration.token}/")) == "en"


def test_changing_the_language_is_remembered_by_the_browser(client, event, make_registration):
    registration = make_registration(event, locale="en")
    client.post(f"/e/lsc/r/{registration.token}/language", data={"language": "pl"})
    assert client.get_cookie("lang").value == "pl"


def test_staff_emails_use_the_accounts_language(app, event, make_user, smtp_server):
    from conference.services.staff import invite_staff

    organizer = make_user(Role.ORGANIZER, events=[event])
    reviewer = make_user(Role.REVIEWER, email="rev@example.org")
    reviewer.locale = "pl"
    invite_staff(event, email="rev@example.org", role=Role.REVIEWER, invited_by=organizer,
                 locale="en")
    db.session.commit()
    deliver_pending(now=LATER)
    [message] = smtp_server.to("rev@example.org")
    assert message["Subject"] == "Należysz teraz do personelu wydarzenia Kongres Nauk o Życiu"


def test_a_proposal_sent_from_a_polish_page_makes_a_polish_speaker(client, event, make_cfp):
    from conference.models import Proposal
    from tests.web.test_cfp_public import _form

    make_cfp(event)
    client.post("/lang", data={"lang": "pl", "next": "/"})
    response = client.post("/e/lsc/cfp", data=_form(event))
    assert response.status_code == 302
    proposal = db.session.execute(db.select(Proposal)).scalar_one()
    assert proposal.submitter.locale == "pl"
