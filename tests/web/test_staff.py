"""Event staff: an organizer sees only the accounts of the events they organize, and adds
people by inviting an email; a new account chooses its password through a single-use,
expiring link sent by email (real SMTP)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conference.extensions import db
from conference.models import OutboxMessage, PasswordLink, Role, User
from conference.models.types import utcnow
from conference.services.messaging.outbox import deliver_pending
from conference.services.staff import (
    PasswordLinkInvalid,
    issue_password_link,
    set_password_by_link,
)
from tests.fixtures.core import PASSWORD


@pytest.fixture
def two_events(make_event, make_user):
    """Event A with door staff and a reviewer; event B with its own organizer."""
    event_a, event_b = make_event(slug="event-a"), make_event(slug="event-b")
    return {
        "a": event_a, "b": event_b,
        "door_a": make_user(Role.DOOR, events=[event_a], email="door-a@example.org"),
        "reviewer_a": make_user(Role.REVIEWER, events=[event_a],
                                email="reviewer-a@example.org"),
        "organizer_a": make_user(Role.ORGANIZER, events=[event_a],
                                 email="organizer-a@example.org"),
        "organizer_b": make_user(Role.ORGANIZER, events=[event_b],
                                 email="organizer-b@example.org"),
        "loose": make_user(Role.DOOR, email="no-event@example.org"),
    }


@pytest.fixture
def b_client(app, two_events, login):
    client = app.test_client()
    login(client, two_events["organizer_b"])
    return client


def _flash(response) -> str:
    return " ".join(re.findall(r'<p class="flash[^"]*">(.*?)</p>', response.get_data(as_text=True)))


def _errors(response) -> str:
    html = response.get_data(as_text=True)
    return " ".join(re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', html, re.S))


def _staff_ids(event) -> set[int]:
    db.session.expire_all()
    return {u.id for u in event.staff}


def test_an_organizer_of_b_does_not_see_the_staff_of_a(b_client, two_events):
    html = b_client.get("/manage/event-b/staff").get_data(as_text=True)
    assert "organizer-b@example.org" in html
    for other in ("door-a@example.org", "reviewer-a@example.org", "organizer-a@example.org",
                  "no-event@example.org", two_events["door_a"].name):
        assert other not in html


def test_an_organizer_adds_staff_of_their_other_event_from_a_list(app, two_events, login):
    organizer = two_events["organizer_a"]
    organizer.events.append(two_events["b"])
    db.session.commit()
    client = app.test_client()
    login(client, organizer)
    html = client.get("/manage/event-b/staff").get_data(as_text=True)
    assert two_events["door_a"].name in html and "no-event@example.org" not in html
    response = client.post("/manage/event-b/staff/add",
                           data={"account": str(two_events["door_a"].id)})
    assert response.status_code == 302
    assert two_events["door_a"].id in _staff_ids(two_events["b"])


def test_an_account_outside_the_organizers_events_cannot_be_added_by_id(b_client, two_events):
    for user in (two_events["door_a"], two_events["loose"]):
        response = b_client.post("/manage/event-b/staff/add", data={"account": str(user.id)})
        assert response.status_code == 200
        assert user.id not in _staff_ids(two_events["b"])
    response = b_client.post("/manage/event-b/staff/add", data={"account": "not-a-number"})
    assert response.status_code == 200


def test_an_invited_new_address_gets_an_account_and_a_working_link_by_email(
        app, b_client, two_events, smtp_server):
    response = b_client.post("/manage/event-b/staff",
                             data={"email": "New.Door@Example.org", "role": "door"},
                             follow_redirects=True)
    assert "New.Door@Example.org is Door staff of this event" in _flash(response)
    user = db.session.execute(db.select(User).filter_by(email="new.door@example.org")).scalar_one()
    assert user.role is Role.DOOR and user.id in _staff_ids(two_events["b"])
    assert "new.door@example.org" in b_client.get("/manage/event-b/staff").get_data(as_text=True)

    deliver_pending()
    [mail] = smtp_server.to("new.door@example.org")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert two_events["b"].name in mail["Subject"]
    link = re.search(r"http://localhost(/account/welcome/\S+)", text).group(1)
    assert len(link.rsplit("/", 1)[1]) >= 22  # >= 128 bits
    # Only the hash of the secret is stored.
    assert link.rsplit("/", 1)[1] not in db.session.execute(
        db.select(PasswordLink.secret_hash)).scalar_one()

    invited = app.test_client()
    assert invited.get(link).status_code == 200
    short = invited.post(link, data={"new_password": "short", "confirm_password": "short"})
    assert short.status_code == 200 and _errors(short)
    response = invited.post(link, data={"new_password": "door-password-2026",
                                        "confirm_password": "door-password-2026"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/manage/")
    assert two_events["b"].name in invited.get("/manage/").get_data(as_text=True)
    # Single use: the link is dead, also for someone who copied it.
    assert app.test_client().get(link).status_code == 404
    assert app.test_client().post(link, data={
        "new_password": "attacker-password-1", "confirm_password": "attacker-password-1"}
    ).status_code == 404
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": "new.door@example.org",
                                      "password": "door-password-2026"}).status_code == 302


def test_the_organizer_sees_the_same_answer_whether_the_account_existed_or_not(
        b_client, two_events, smtp_server):
    existing = b_client.post("/manage/event-b/staff",
                             data={"email": "no-event@example.org", "role": "door"},
                             follow_redirects=True)
    created = b_client.post("/manage/event-b/staff",
                            data={"email": "brand-new@example.org", "role": "door"},
                            follow_redirects=True)
    assert _flash(existing).replace("no-event", "X") == _flash(created).replace("brand-new", "X")
    assert two_events["loose"].id in _staff_ids(two_events["b"])
    deliver_pending()
    [notice] = smtp_server.to("no-event@example.org")
    text = notice.get_body(preferencelist=("plain",)).get_content()
    assert "/login" in text and "/account/welcome/" not in text  # no new password link
    assert db.session.execute(db.select(PasswordLink).filter_by(
        user_id=two_events["loose"].id)).first() is None


@pytest.mark.parametrize("who", ["reviewer_a", "superuser", "inactive"])
def test_an_account_that_cannot_take_the_role_is_refused_and_nothing_changes(
        b_client, two_events, make_user, who):
    user = {"reviewer_a": two_events["reviewer_a"],
            "superuser": make_user(Role.DOOR, superuser=True, email="root@example.org"),
            "inactive": make_user(Role.DOOR, active=False, email="gone@example.org")}[who]
    response = b_client.post("/manage/event-b/staff", data={"email": user.email, "role": "door"})
    assert response.status_code == 200
    assert "cannot be given this role here" in _errors(response)
    db.session.expire_all()
    assert user.id not in _staff_ids(two_events["b"]) and user.role is not Role.ORGANIZER
    assert db.session.execute(db.select(OutboxMessage)).first() is None


@pytest.mark.parametrize("email", ["not-an-address", "a@b", "x" * 300 + "@example.org"])
def test_a_bad_address_is_a_form_error_and_creates_nothing(b_client, two_events, email):
    count = db.session.execute(db.select(db.func.count(User.id))).scalar_one()
    response = b_client.post("/manage/event-b/staff", data={"email": email, "role": "door"})
    assert response.status_code == 200 and _errors(response)
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == count


def test_a_nul_byte_in_the_address_is_refused_and_creates_nothing(b_client, two_events):
    count = db.session.execute(db.select(db.func.count(User.id))).scalar_one()
    response = b_client.post("/manage/event-b/staff",
                             data={"email": "nul\x00@example.org", "role": "door"})
    assert response.status_code == 400
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == count


def test_an_unknown_role_is_a_form_error(b_client, two_events):
    response = b_client.post("/manage/event-b/staff",
                             data={"email": "x@example.org", "role": "superuser"})
    assert response.status_code == 200 and _errors(response)


def test_inviting_again_before_the_first_login_sends_a_new_link_and_kills_the_old(
        app, b_client, two_events, smtp_server):
    for _ in range(2):
        b_client.post("/manage/event-b/staff", data={"email": "slow@example.org",
                                                      "role": "reviewer"})
    deliver_pending()
    links = [re.search(r"http://localhost(/account/welcome/\S+)",
                       m.get_body(preferencelist=("plain",)).get_content()).group(1)
             for m in smtp_server.to("slow@example.org")]
    assert len(links) == 2
    assert app.test_client().get(links[0]).status_code == 404
    assert app.test_client().get(links[1]).status_code == 200


def test_an_organizer_removes_staff_but_not_themselves(b_client, two_events):
    event_b = two_events["b"]
    event_b.staff.append(two_events["loose"])
    db.session.commit()
    loose, me = two_events["loose"], two_events["organizer_b"]
    assert b_client.post(f"/manage/event-b/staff/{loose.id}/remove").status_code == 302
    assert _staff_ids(event_b) == {me.id}
    response = b_client.post(f"/manage/event-b/staff/{me.id}/remove", follow_redirects=True)
    assert "You cannot remove yourself from the event." in _flash(response)
    assert _staff_ids(event_b) == {me.id}
    # Someone of another event is not found here.
    door_a = two_events["door_a"]
    assert b_client.post(f"/manage/event-b/staff/{door_a.id}/remove").status_code == 404
    assert two_events["a"].id in {e.id for e in db.session.get(User, door_a.id).events}


def test_an_expired_link_is_refused(app, make_user):
    user = make_user(Role.DOOR)
    hours = app.config["STAFF_INVITATION_HOURS"]
    secret = issue_password_link(user, now=utcnow() - dt.timedelta(hours=hours, seconds=1))
    db.session.commit()
    assert app.test_client().get(f"/account/welcome/{secret}").status_code == 404
    with pytest.raises(PasswordLinkInvalid):
        set_password_by_link(secret, "a-long-password-1")


def test_a_link_sets_the_password_once(app, make_user):
    user = make_user(Role.DOOR)
    secret = issue_password_link(user)
    db.session.commit()
    set_password_by_link(secret, "first-password-2026")
    db.session.commit()
    with pytest.raises(PasswordLinkInvalid):
        set_password_by_link(secret, "second-password-2026")
    db.session.rollback()
    assert db.session.get(User, user.id).check_password("first-password-2026")
    assert not db.session.get(User, user.id).check_password(PASSWORD)


def test_inviting_someone_already_on_the_staff_sends_nothing(b_client, two_events,
                                                            smtp_server):
    two_events["b"].staff.append(two_events["loose"])
    db.session.commit()
    response = b_client.post("/manage/event-b/staff",
                             data={"email": "no-event@example.org", "role": "door"})
    assert response.status_code == 302
    assert db.session.execute(db.select(OutboxMessage)).first() is None


def test_after_accepting_an_invitation_another_event_sends_a_notice_not_a_link(
        app, make_event, b_client, two_events, login, smtp_server):
    b_client.post("/manage/event-b/staff", data={"email": "joiner@example.org",
                                                  "role": "door"})
    deliver_pending()
    text = smtp_server.to("joiner@example.org")[0].get_body(
        preferencelist=("plain",)).get_content()
    link = re.search(r"http://localhost(/account/welcome/\S+)", text).group(1)
    app.test_client().post(link, data={"new_password": "joiner-password-1",
                                       "confirm_password": "joiner-password-1"})
    event_c = make_event(slug="event-c")
    two_events["organizer_b"].events.append(event_c)
    db.session.commit()
    b_client.post("/manage/event-c/staff", data={"email": "joiner@example.org",
                                                  "role": "door"})
    deliver_pending()
    second = smtp_server.to("joiner@example.org")[1].get_body(
        preferencelist=("plain",)).get_content()
    assert "/account/welcome/" not in second and "/login" in second
