"""After anonymisation the person is nowhere: not in any text column of any table, not on
any page, export, badge, certificate or feed, and their private links are dead."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
import sqlalchemy as sa

from conference.extensions import db
from conference.models import Question, QuestionKind, Role
from conference.services.badges.print_runs import (
    BadgeSelection,
    render_print_run,
    start_print_run,
)
from conference.services.certificates.issuing import release_certificates
from conference.services.jobs.core import run_job
from conference.services.privacy.anonymise import anonymise
from conference.services.programme.agenda import star_session
from conference.services.registration.core import AttendeeDetails, register
from tests.fixtures.badges import pdf_text

#: Every trace the person leaves, as it is searched (lower case).
NEEDLES = ("quintessenz", "hieronim", "tracer.example", "tracerlab", "777 888 999",
           "tracerdiet", "tracerpitch", "tracerneed", "tracermessage", "tracerrating")
DAY1 = dt.date(2026, 5, 12)
#: Routes the walk must have covered (else the walk proves little).
MUST_COVER = {"registration.private_page", "regadmin.export_registrations_csv",
              "regadmin.export_registrations_xlsx", "badges.registration_badge_pdf",
              "agenda.feed", "certificates.verify", "regadmin.registrations",
              "mail_manage.index", "checkin.api_search", "jobs_manage.result",
              "partnering.index", "partnering.profile_page"}


def _partnering_traces(event, person, make_partnering_settings, make_partnering_profile,
                       make_meeting_request) -> dict:
    """The person in partnering: a profile, a need, a meeting with a message, and the other
    side's rating comment about it."""
    from conference.models import MeetingRating

    make_partnering_settings(event)
    profile = make_partnering_profile(event, person, description="tracerpitch enzymes",
                                      offers=[("Licensing", "tracerneed patents")])
    other = make_partnering_profile(event)
    meeting = make_meeting_request(profile, other, message="tracermessage hello")
    db.session.add(MeetingRating(request_id=meeting.id, profile_id=other.id, rating=5,
                                 comment="tracerrating great"))
    db.session.commit()
    return {"profile_id": profile.id, "request_id": meeting.id}


@pytest.fixture
def traced(make_event, make_ticket_type, make_user, attend, agenda_world, login, client,
           make_partnering_settings, make_partnering_profile, make_meeting_request):
    event = make_event(starts_on=DAY1, ends_on=dt.date(2026, 5, 13), slug="trace")
    ticket = make_ticket_type(event)
    diet = Question(event=event, label="Dietary needs", kind=QuestionKind.SHORT_TEXT,
                    sensitive=True)
    db.session.add(diet)
    db.session.commit()
    person = register(event, ticket, AttendeeDetails(
        first_name="Hieronim", last_name="Quintessenz", email="hieronim@tracer.example",
        organization="Tracerlab Sp. z o.o.", country="DE", phone="+48 777 888 999"),
        answers={diet.id: "tracerdiet please"}, privacy_consent=True,
        now=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    programme = agenda_world(event, person)
    from conference.models import Session

    star_session(person, db.session.get(Session, programme["session_id"]))
    attend(person, DAY1)
    [certificate] = release_certificates(event)
    db.session.commit()
    job, _ = start_print_run(event, BadgeSelection(), user=None)
    db.session.commit()
    run_job(job.id, render_print_run)
    organizer = make_user(Role.ORGANIZER, events=[event])
    login(client, organizer)
    values = {"slug": event.slug, "token": person.token, "registration_id": person.id,
              "feed_token": programme["feed_token"], "public_id": certificate.public_id,
              "certificate_id": certificate.id, "job_id": job.id,
              "session_id": programme["session_id"], "room_id": programme["room_id"],
              "track_id": programme["track_id"], "ticket_type_id": ticket.id,
              "question_id": diet.id,
              **_partnering_traces(event, person, make_partnering_settings,
                                   make_partnering_profile, make_meeting_request)}
    return {"event": event, "person": person, "values": values, "client": client}


def _text(response) -> str:
    data = response.get_data()
    kind = response.mimetype or ""
    if kind == "application/pdf":
        return "\n".join(pdf_text(data))
    if data[:2] == b"PK":  # XLSX / ZIP
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace")
                             for name in archive.namelist())
    return data.decode("utf-8", "replace")


def _walk(app, client, values, slug) -> dict[str, str]:
    """Every GET route whose arguments we can fill, plus searches by the person's name."""
    pages = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if any(arg not in values for arg in rule.arguments):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", str(values[arg]), url)
        response = client.get(url)
        pages[rule.endpoint] = _text(response) if response.status_code == 200 else ""
    for query in ("quintessenz", "hieronim@tracer.example"):
        # The search box repeats the query: that is not the person.
        pages[f"search {query}"] = _text(client.get(
            f"/manage/{slug}/registrations?q={query}")).lower().replace(query, "")
        pages[f"door {query}"] = _text(client.get(
            f"/checkin/api/{slug}/search?q={query}")).lower().replace(query, "")
    return pages


def _traces(pages: dict[str, str]) -> dict[str, list[str]]:
    found = {}
    for endpoint, text in pages.items():
        hits = [needle for needle in NEEDLES if needle in text.lower()]
        if hits:
            found[endpoint] = hits
    return found


def _rows_with_traces() -> list[str]:
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.type._type_affinity not in (sa.String, sa.Text, sa.JSON, sa.Unicode,
                                                  sa.UnicodeText):
                continue
            text = sa.func.lower(sa.cast(column, sa.Text))
            for needle in NEEDLES:
                count = db.session.execute(
                    sa.select(sa.func.count()).select_from(table)
                    .where(text.like(f"%{needle}%"))).scalar_one()
                if count:
                    found.append(f"{table.name}.{column.name} ~ {needle}: {count}")
    return found


def test_the_walk_sees_the_person_before_anonymisation(app, traced):
    """The walk and the search can find the person: without this the test below proves
    nothing."""
    pages = _walk(app, traced["client"], traced["values"], traced["event"].slug)
    assert set(pages) >= MUST_COVER
    found = _traces(pages)
    # The feed lists sessions, not the person; the door search needs a query (below).
    must_find = MUST_COVER - {"agenda.feed", "checkin.api_search"} | {
        "search quintessenz", "door quintessenz", "door hieronim@tracer.example"}
    assert must_find <= set(found), sorted(must_find - set(found))
    assert _rows_with_traces()


def test_no_table_holds_the_person_after_anonymisation(app, traced):
    anonymise(traced["event"], early=True)
    db.session.expire_all()
    assert _rows_with_traces() == []


def test_no_page_export_badge_or_feed_shows_the_person_after_anonymisation(app, traced):
    anonymise(traced["event"], early=True)
    db.session.expire_all()
    client = traced["client"]
    pages = _walk(app, client, traced["values"], traced["event"].slug)
    assert _traces(pages) == {}


def test_the_old_private_links_are_dead_after_anonymisation(app, traced):
    anonymise(traced["event"], early=True)
    values, slug = traced["values"], traced["event"].slug
    client = app.test_client()
    for url in (f"/e/{slug}/r/{values['token']}/", f"/e/{slug}/r/{values['token']}/badge.pdf",
                f"/e/{slug}/agenda/{values['feed_token']}.ics",
                f"/c/{values['public_id']}"):
        assert client.get(url).status_code == 404, url
