"""Bulk email: the group, the text's checks, one outbox row per recipient in their
language, the rate, and what a real SMTP server receives (headers included)."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import BulkMessage, Job, OutboxMessage, OutboxStatus, Role
from conference.services.jobs.core import run_job
from conference.services.messaging import bulk
from conference.services.messaging.merge import (
    HtmlNotAllowed,
    TextMissing,
    UnknownMergeField,
)
from conference.services.messaging.outbox import deliver_pending, enqueue_mail
from conference.services.messaging.recipients import (
    REVIEWERS,
    SPEAKERS,
    Audience,
    select_recipients,
)
from conference.services.messaging.unsubscribe import unsubscribe

NOW = dt.datetime(2027, 4, 1, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=1)
SUBJECT = LocalizedText({"pl": "Zmiana sali", "en": "Room change"})
BODY = LocalizedText({"pl": "Cześć {first_name}, warsztat B jest w sali 2.",
                      "en": "Hello {first_name}, workshop B is in room 2. [Your page]"
                            "({private_link})"})


def _emails(event, audience) -> list[str]:
    return sorted(r.email for r in select_recipients(event, audience).recipients)


def _send(world, audience=None, per_minute=None, subject=SUBJECT, body=BODY):
    message, job = bulk.queue_bulk_message(
        world["event"], subject=subject, body=body, audience=audience or Audience(),
        user=world["organizer"], per_minute=per_minute, now=NOW)
    db.session.commit()
    run_job(job.id, bulk.run_bulk_job)
    return message


def _rows(message) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.bulk_message_id == message.id).order_by(OutboxMessage.id)).scalars())


# --- The group ----------------------------------------------------------------------------


def test_the_default_group_is_the_confirmed_attendees(mail_world):
    assert _emails(mail_world["event"], Audience()) == [
        "ben@example.org", "cleo@example.org", "ola@example.org"]


def test_a_group_by_ticket_type(mail_world):
    audience = Audience(ticket_type_id=mail_world["student"].id)
    assert _emails(mail_world["event"], audience) == ["cleo@example.org"]


def test_a_group_by_booked_workshop(mail_world):
    audience = Audience(session_id=mail_world["workshop"].id)
    assert _emails(mail_world["event"], audience) == ["cleo@example.org", "ola@example.org"]


def test_a_group_by_language(mail_world):
    assert _emails(mail_world["event"], Audience(language="pl")) == ["ola@example.org"]


def test_a_group_by_state_includes_cancelled_only_when_asked(mail_world):
    assert _emails(mail_world["event"], Audience(state="cancelled")) == ["gone@example.org"]


def test_a_group_of_those_checked_in_and_those_not(mail_world):
    from conference.models import Checkpoint
    from conference.services.checkin.core import check_in

    checkpoint = Checkpoint(event_id=mail_world["event"].id, name="Door")
    db.session.add(checkpoint)
    db.session.flush()
    at = dt.datetime(2027, 5, 12, 8, tzinfo=dt.UTC)
    check_in(mail_world["event"], checkpoint, mail_world["ben"].ticket_code, user=None,
             nonce="mail-test-nonce-0001", scanned_at=at, now=at)
    db.session.commit()
    event = mail_world["event"]
    assert _emails(event, Audience(checked_in="any")) == ["ben@example.org"]
    assert _emails(event, Audience(checked_in="2027-05-12")) == ["ben@example.org"]
    assert _emails(event, Audience(checked_in="2027-05-13")) == []
    assert _emails(event, Audience(checked_in="none")) == ["cleo@example.org",
                                                           "ola@example.org"]


def test_speakers_of_the_programme_are_a_group(mail_world, make_speaker, make_session):
    event = mail_world["event"]
    speaker = make_speaker(event, email="talker@example.org")
    make_speaker(event, email="not-on-programme@example.org")
    make_session(event, speakers=[speaker])
    assert _emails(event, Audience(kind=SPEAKERS)) == ["talker@example.org"]


def test_reviewers_are_a_group(mail_world, make_user):
    event = mail_world["event"]
    make_user(Role.REVIEWER, events=[event], email="rev@example.org")
    assert _emails(event, Audience(kind=REVIEWERS)) == ["rev@example.org"]


def test_an_address_registered_twice_gets_one_copy(mail_world, make_registration):
    make_registration(mail_world["event"], mail_world["student"], email="OLA@example.org")
    assert _emails(mail_world["event"], Audience()).count("ola@example.org") == 1


def test_unsubscribed_addresses_are_left_out_and_counted(mail_world):
    unsubscribe(mail_world["event"], "Ben@Example.org")
    selection = select_recipients(mail_world["event"], Audience())
    assert "ben@example.org" not in [r.email for r in selection.recipients]
    assert selection.unsubscribed == 1


# --- The text -----------------------------------------------------------------------------


def test_an_unknown_merge_field_is_refused_and_nothing_is_kept(mail_world):
    with pytest.raises(UnknownMergeField) as refused:
        bulk.queue_bulk_message(mail_world["event"], subject=SUBJECT,
                                body=LocalizedText({"pl": "Cześć {frist_name}"}),
                                audience=Audience(), user=None, now=NOW)
    assert "{frist_name}" in refused.value.message
    db.session.rollback()
    assert db.session.execute(db.select(BulkMessage)).first() is None
    assert db.session.execute(db.select(Job)).first() is None


def test_a_format_string_attribute_is_an_unknown_merge_field(mail_world):
    with pytest.raises(UnknownMergeField):
        bulk.queue_bulk_message(mail_world["event"], subject="{event.__class__}", body=BODY,
                                audience=Audience(), user=None, now=NOW)


@pytest.mark.parametrize("body", ["<script>alert(1)</script>", "Hi <b onclick=x>there</b>",
                                  "Hi <!-- hidden -->", "<img src=x onerror=alert(1)>"])
def test_markdown_with_html_is_refused(mail_world, body):
    with pytest.raises(HtmlNotAllowed):
        bulk.queue_bulk_message(mail_world["event"], subject=SUBJECT,
                                body=LocalizedText({"pl": "ok", "en": body}),
                                audience=Audience(), user=None, now=NOW)


def test_a_markdown_autolink_is_not_html(mail_world):
    body = LocalizedText({"pl": "Zobacz <https://example.org>"})
    message = _send(mail_world, body=body)
    assert len(_rows(message)) == 3


def test_a_text_missing_in_the_default_language_is_refused(mail_world):
    with pytest.raises(TextMissing):
        bulk.queue_bulk_message(mail_world["event"], subject=SUBJECT,
                                body=LocalizedText({"en": "Only English"}),
                                audience=Audience(), user=None, now=NOW)


def test_an_empty_group_is_refused_and_nothing_is_kept(mail_world):
    with pytest.raises(bulk.EmptyAudience):
        bulk.queue_bulk_message(mail_world["event"], subject=SUBJECT, body=BODY,
                                audience=Audience(search="nobody-has-this-name"), user=None,
                                now=NOW)
    db.session.rollback()
    assert db.session.execute(db.select(BulkMessage)).first() is None


# --- Queuing ------------------------------------------------------------------------------


def test_each_recipient_gets_one_row_in_their_own_language(mail_world):
    message = _send(mail_world)
    rows = {row.recipient: row for row in _rows(message)}
    assert sorted(rows) == ["ben@example.org", "cleo@example.org", "ola@example.org"]
    assert "Zmiana sali" in rows["ola@example.org"].subject
    assert "Otwarta Przestrzeń" in rows["ola@example.org"].subject
    assert "Cześć Ola, warsztat B" in rows["ola@example.org"].body_text
    assert "Room change" in rows["ben@example.org"].subject
    assert "Hello Ben, workshop B" in rows["ben@example.org"].body_text
    assert all(row.kind == bulk.BULK_KIND for row in rows.values())


def test_the_private_link_is_each_recipients_own(mail_world):
    message = _send(mail_world)
    rows = {row.recipient: row for row in _rows(message)}
    ben = mail_world["ben"]
    assert f'href="http://localhost/e/{mail_world["event"].slug}/r/{ben.token}/"' in \
        rows["ben@example.org"].body_html
    assert mail_world["cleo"].token not in rows["ben@example.org"].body_html


def test_the_certificate_link_is_each_recipients_own_certificate(mail_world):
    body = LocalizedText({"pl": "Certyfikat: {certificate_link}",
                          "en": "Your certificate: {certificate_link}"})
    message = _send(mail_world, body=body)
    rows = {row.recipient: row for row in _rows(message)}
    ben = mail_world["ben"]
    assert (f"http://localhost/e/{mail_world['event'].slug}/r/{ben.token}/certificate.pdf"
            in rows["ben@example.org"].body_text)
    assert mail_world["cleo"].token not in rows["ben@example.org"].body_text


def test_merge_values_are_escaped_in_the_html(mail_world, make_registration):
    make_registration(mail_world["event"], mail_world["standard"], locale="en",
                      first_name="<script>x</script>", email="evil@example.org")
    message = _send(mail_world)
    [row] = [r for r in _rows(message) if r.recipient == "evil@example.org"]
    assert "<script>" not in row.body_html
    assert "&lt;script&gt;x&lt;/script&gt;" in row.body_html


def test_the_message_is_kept_with_its_sender_and_recipients(mail_world):
    message = _send(mail_world)
    db.session.expire_all()
    kept = db.session.get(BulkMessage, message.id)
    assert kept.sent_by.email == "boss@example.org"
    assert kept.recipient_count == 3
    assert kept.job.state.value == "done"
    assert kept.subject.in_language("en") == "Room change"


def test_a_retried_job_does_not_queue_anyone_twice(mail_world):
    message = _send(mail_world)
    bulk.write_bulk_outbox(message, lambda done, total=None: None, now=NOW)
    assert len(_rows(message)) == 3


def test_the_rows_are_spread_by_the_rate(mail_world):
    message = _send(mail_world, per_minute=2)
    times = [row.next_attempt_at for row in _rows(message)]
    assert [b - a for a, b in zip(times, times[1:], strict=False)] == \
        [dt.timedelta(seconds=30)] * 2


def test_a_second_message_waits_behind_the_first_so_the_rate_holds(mail_world):
    first = _send(mail_world, per_minute=1)
    second = _send(mail_world, per_minute=1)
    assert min(r.next_attempt_at for r in _rows(second)) > \
        max(r.next_attempt_at for r in _rows(first))


def test_the_rate_is_only_sent_as_it_falls_due(mail_world, smtp_server):
    message = _send(mail_world, per_minute=1)
    first_due = min(r.next_attempt_at for r in _rows(message))
    report = deliver_pending(now=first_due + dt.timedelta(seconds=1))
    assert report.sent == 1
    assert bulk.bulk_counts(message).queued == 2


def test_a_rate_out_of_range_is_refused(mail_world):
    with pytest.raises(bulk.InvalidRate):
        bulk.queue_bulk_message(mail_world["event"], subject=SUBJECT, body=BODY,
                                audience=Audience(), user=None, per_minute=0, now=NOW)


# --- Delivery -----------------------------------------------------------------------------


def test_bulk_mail_arrives_with_one_click_unsubscribe_headers(mail_world, smtp_server):
    _send(mail_world)
    assert deliver_pending(now=LATER).sent == 3
    [received] = smtp_server.to("ben@example.org")
    unsubscribe_header = received["List-Unsubscribe"]
    assert unsubscribe_header.startswith(
        f"<http://localhost/e/{mail_world['event'].slug}/unsubscribe/")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = next(p for p in received.walk() if p.get_content_type() == "text/html")
    assert unsubscribe_header.strip("<>") in html.get_content()


def test_transactional_mail_has_no_unsubscribe_header(mail_world, smtp_server):
    enqueue_mail(kind="registration.confirmed", recipient="ben@example.org", subject="Hi",
                 template="generic", context={"subject": "Hi", "body": "x"},
                 event=mail_world["event"])
    db.session.commit()
    deliver_pending(now=LATER)
    [received] = smtp_server.messages
    assert received["List-Unsubscribe"] is None


def test_an_address_unsubscribed_after_queuing_is_skipped_at_delivery(mail_world,
                                                                       smtp_server):
    message = _send(mail_world)
    unsubscribe(mail_world["event"], "ben@example.org")
    report = deliver_pending(now=LATER)
    assert (report.sent, report.skipped) == (2, 1)
    assert smtp_server.to("ben@example.org") == []
    assert bulk.bulk_counts(message).skipped == 1


def test_transactional_mail_reaches_an_unsubscribed_address(mail_world, smtp_server):
    unsubscribe(mail_world["event"], "ben@example.org")
    enqueue_mail(kind="registration.confirmed", recipient="ben@example.org", subject="Hi",
                 template="generic", context={"subject": "Hi", "body": "x"},
                 event=mail_world["event"])
    db.session.commit()
    assert deliver_pending(now=LATER).sent == 1
    assert len(smtp_server.to("ben@example.org")) == 1


def test_the_counts_say_delivered_deferred_and_failed(mail_world, smtp_server):
    message = _send(mail_world)
    rows = _rows(message)
    rows[0].status = OutboxStatus.FAILED
    rows[1].last_error = "SMTPServerDisconnected: gone"
    rows[1].next_attempt_at = LATER + dt.timedelta(hours=1)
    db.session.commit()
    deliver_pending(now=LATER)
    counts = bulk.bulk_counts(message)
    assert (counts.delivered, counts.deferred, counts.failed, counts.queued) == (1, 1, 1, 0)


def test_a_test_send_goes_to_the_organizer_as_the_chosen_recipient_reads_it(mail_world):
    from tests.fixtures.messaging import recipient_of

    message = bulk.send_test(mail_world["event"], subject=SUBJECT, body=BODY,
                             recipient=recipient_of(mail_world["ola"]),
                             to_address="boss@example.org")
    db.session.commit()
    assert message.recipient == "boss@example.org"
    assert message.subject.startswith("[TEST]") and "Zmiana sali" in message.subject
    assert "Cześć Ola" in message.body_text
    assert message.bulk_message_id is None
