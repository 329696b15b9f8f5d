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
              "reports.day_xlsx", "partnering.index", "partnering.profile_page"}


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
              "question_id": diet.id, "day": DAY1.isoformat(),
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


def _walk(app, client, values, slug, searches=("quintessenz", "hieronim@tracer.example")
          ) -> dict[str, str]:
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
    for query in searches:
        # The search box repeats the query: that is not the person.
        pages[f"search {query}"] = _text(client.get(
            f"/manage/{slug}/registrations?q={query}")).lower().replace(query, "")
        pages[f"door {query}"] = _text(client.get(
            f"/checkin/api/{slug}/search?q={query}")).lower().replace(query, "")
    return pages


def _traces(pages: dict[str, str], needles=NEEDLES) -> dict[str, list[str]]:
    found = {}
    for endpoint, text in pages.items():
        hits = [needle for needle in needles if needle in text.lower()]
        if hits:
            found[endpoint] = hits
    return found


def _rows_with_traces(needles=NEEDLES) -> list[str]:
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.type._type_affinity not in (sa.String, sa.Text, sa.JSON, sa.Unicode,
                                                  sa.UnicodeText):
                continue
            text = sa.func.lower(sa.cast(column, sa.Text))
            for needle in needles:
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


# --- Speakers and the call for proposals ---------------------------------------------------

#: Every trace the speaker leaves (name, email, co-speaker, affiliation, biography, links,
#: notes to the organizers, unavailability note, review and feedback comments).
SPEAKER_NEEDLES = ("zyxwordski", "wenceslas", "speakertrace.example", "speakertracelab",
                   "biotracetext", "notetracetext", "absenttracetext")
SPEAKER_SEARCHES = ("zyxwordski", "wenceslas@speakertrace.example")
#: Speaker routes the walk must have covered.
SPEAKER_MUST_COVER = {"cfp.speakers", "cfp.speaker", "cfp.speaker_page", "cfp.proposal",
                      "cfp_manage.proposal", "agenda.session_page", "agenda.programme",
                      "feedback.results"}


@pytest.fixture
def speaker_traced(traced, make_cfp, make_proposal, make_user):
    """The traced event also has a speaker, with a photo, a co-speaker, notes, a review, an
    unavailability, a confirmed session in the public programme and a feedback comment."""
    from conference.models import Feedback, Session
    from conference.services.cfp.decisions import (
        DecisionKind,
        confirm_participation,
        decide,
        release_decision_emails,
    )
    from conference.services.cfp.photos import photo_path
    from conference.services.cfp.proposals import (
        SpeakerProfile,
        add_unavailability,
        update_speaker_profile,
    )
    from conference.services.cfp.reviews import assign_reviewer, criteria_of, submit_review
    from tests.fixtures.cfp import image_bytes

    event = traced["event"]
    make_cfp(event)
    proposal = make_proposal(event, title="Organoids at scale", name="Wenceslas Zyxwordski",
                             email="wenceslas@speakertrace.example",
                             co_speakers=["co@speakertrace.example"],
                             notes="notetracetext: Zyxwordski needs a projector")
    speaker = proposal.submitter
    update_speaker_profile(speaker, SpeakerProfile(
        name="Wenceslas Zyxwordski", email=speaker.email, affiliation="Speakertracelab",
        biography="biotracetext, born in Zyxwordowo", links="https://speakertrace.example/",
        photo=image_bytes("JPEG")))
    add_unavailability(speaker, dt.datetime(2026, 5, 12, 8, tzinfo=dt.UTC),
                       dt.datetime(2026, 5, 12, 9, tzinfo=dt.UTC), note="absenttracetext")
    reviewer = make_user(Role.REVIEWER, events=[event])
    assign_reviewer(event, reviewer)
    submit_review(proposal, reviewer, {c.id: 4 for c in criteria_of(event)},
                  "Zyxwordski explains well")
    decide([proposal], DecisionKind.ACCEPTED)
    release_decision_emails(event, [proposal])
    session = confirm_participation(proposal)
    session.starts_at = dt.datetime(2026, 5, 12, 12, tzinfo=dt.UTC)
    session.ends_at = dt.datetime(2026, 5, 12, 13, tzinfo=dt.UTC)
    db.session.flush()
    db.session.add(Feedback(event_id=event.id, registration_id=traced["person"].id,
                            session_id=session.id, rating=5,
                            comment="Zyxwordski was brilliant"))
    speaker.is_featured = True
    db.session.commit()
    photo = photo_path(speaker.photo_filename)
    assert photo is not None
    values = {**traced["values"], "speaker_id": speaker.id, "speaker_token": speaker.token,
              "proposal_token": proposal.token, "proposal_id": proposal.id,
              "session_id": session.id}
    assert db.session.get(Session, session.id).public_speakers == [speaker]
    return {**traced, "values": values, "speaker": speaker, "proposal": proposal,
            "session": session, "photo": photo}


def _speaker_walk(app, world) -> dict[str, str]:
    return _walk(app, world["client"], world["values"], world["event"].slug,
                 searches=SPEAKER_SEARCHES)


def test_the_walk_sees_the_speaker_before_anonymisation(app, speaker_traced):
    pages = _speaker_walk(app, speaker_traced)
    assert set(pages) >= SPEAKER_MUST_COVER
    found = _traces(pages, SPEAKER_NEEDLES)
    assert set(found) >= SPEAKER_MUST_COVER, sorted(SPEAKER_MUST_COVER - set(found))
    tables = " ".join(_rows_with_traces(SPEAKER_NEEDLES))
    for table in ("speaker.", "proposal.notes", "review.comment", "feedback.comment",
                  "speaker_unavailability.note", "outbox_message."):
        assert table in tables, table


def test_no_table_holds_the_speaker_after_anonymisation(app, speaker_traced):
    anonymise(speaker_traced["event"], early=True)
    db.session.expire_all()
    assert _rows_with_traces(SPEAKER_NEEDLES) == []


def test_no_page_export_or_feed_shows_the_speaker_after_anonymisation(app, speaker_traced):
    anonymise(speaker_traced["event"], early=True)
    db.session.expire_all()
    assert _traces(_speaker_walk(app, speaker_traced), SPEAKER_NEEDLES) == {}


def test_the_speaker_photo_file_is_deleted_by_the_anonymisation(app, speaker_traced):
    anonymise(speaker_traced["event"], early=True)
    assert not speaker_traced["photo"].exists()


def test_the_speaker_and_proposal_links_are_dead_after_anonymisation(app, speaker_traced):
    anonymise(speaker_traced["event"], early=True)
    values, slug = speaker_traced["values"], speaker_traced["event"].slug
    client = app.test_client()
    for url in (f"/e/{slug}/speaker/{values['speaker_token']}",
                f"/e/{slug}/cfp/p/{values['proposal_token']}",
                f"/e/{slug}/speakers/{values['speaker_id']}"):
        assert client.get(url).status_code == 404, url


def test_the_past_programme_keeps_the_session_with_an_anonymised_speaker(app, speaker_traced):
    anonymise(speaker_traced["event"], early=True)
    slug, session_id = speaker_traced["event"].slug, speaker_traced["values"]["session_id"]
    page = app.test_client().get(f"/e/{slug}/programme/{session_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Organoids at scale" in text
    assert "Anonymised speaker" in text
