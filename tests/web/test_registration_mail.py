"""Registration emails through a real SMTP server: the right mail, once, even after an outage."""

from __future__ import annotations

import datetime as dt

from conference.models.types import utcnow
from conference.services.messaging.outbox import deliver_pending
from tests.web.test_registration import form_data


def test_confirmation_mail_arrives_with_the_private_link(client, smtp_server, make_event,
                                                         make_ticket_type):
    event = make_event(slug="mail-event")
    ticket = make_ticket_type(event, capacity=10)
    response = client.post("/e/mail-event/register", data=form_data(ticket))
    token = response.headers["Location"].split("/r/")[1].split("/")[0]
    assert deliver_pending().sent == 1
    [message] = smtp_server.to("lukasz@example.org")
    assert "confirmed" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"http://localhost/e/mail-event/r/{token}/"
    assert link in text and link in html
    assert "Łukasz" in text


def test_with_smtp_down_registrations_succeed_and_each_mail_is_delivered_once_later(
        client, smtp_server, make_event, make_ticket_type):
    event = make_event(slug="outage")
    ticket = make_ticket_type(event, capacity=1)
    smtp_server.stop()
    emails = [f"person{i}@example.org" for i in range(3)]
    for address in emails:
        assert client.post("/e/outage/register",
                           data=form_data(ticket, email=address)).status_code == 302
    report = deliver_pending()
    # An unreachable server stops the batch after the first try; nothing is lost.
    assert (report.sent, report.deferred) == (0, 1)
    smtp_server.start()
    later = utcnow() + dt.timedelta(hours=2)
    assert deliver_pending(now=later).sent == 3
    assert deliver_pending(now=later + dt.timedelta(hours=2)).sent == 0
    assert [len(smtp_server.to(a)) for a in emails] == [1, 1, 1]
    assert "confirmed" in smtp_server.to(emails[0])[0]["Subject"]
    assert "waiting list" in smtp_server.to(emails[1])[0]["Subject"]
