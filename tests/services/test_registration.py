"""Registration rules: states, capacity, waiting list, history, consents, validation."""

from __future__ import annotations

import datetime as dt

import pytest

from conference.extensions import db
from conference.models import (
    EventStatus,
    OutboxMessage,
    PaymentStatus,
    Question,
    QuestionKind,
    Registration,
    RegistrationState,
    WaitlistMode,
)
from conference.services.registration.core import (
    AlreadyRegistered,
    ConsentRequired,
    EditDeadlinePassed,
    InvalidAccessCode,
    InvalidAnswer,
    InvalidDetails,
    SalesClosed,
    SoldOut,
    approve,
    cancel,
    change_ticket_type,
    reject,
    resend_link,
    set_payment_status,
    update_details,
)
from conference.services.registration.seats import (
    InvalidTransition,
    remaining_seats,
    waitlist_position,
)
from conference.services.registration.waitlist import accept_offer, expire_offers, promote_waitlist
from tests.fixtures.registration import attendee

S = RegistrationState
NOW = dt.datetime(2026, 4, 1, 10, 0, tzinfo=dt.UTC)


def mail_kinds(registration) -> list[str]:
    return [m.kind for m in db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.recipient == registration.email)
        .order_by(OutboxMessage.id)).scalars()]


# --- States and capacity ---


def test_registration_with_a_free_seat_is_confirmed_with_time_and_email(
        make_event, make_ticket_type, sign_up):
    event = make_event()
    ticket = make_ticket_type(event, capacity=2)
    registration = sign_up(event, ticket, now=NOW)
    assert registration.state is S.CONFIRMED
    assert registration.state_changed_at == NOW
    assert mail_kinds(registration) == ["registration.confirmed"]
    assert remaining_seats(ticket) == 1


def test_ticket_type_needing_approval_gives_pending_which_holds_a_seat(
        make_event, make_ticket_type, sign_up):
    event = make_event()
    ticket = make_ticket_type(event, capacity=1, requires_approval=True)
    first = sign_up(event, ticket)
    second = sign_up(event, ticket)
    assert first.state is S.PENDING
    assert second.state is S.WAITLISTED
    assert mail_kinds(first) == ["registration.pending"]


def test_full_ticket_type_puts_people_on_the_waiting_list_in_order(
        make_event, make_ticket_type, sign_up):
    event = make_event()
    ticket = make_ticket_type(event, capacity=1)
    sign_up(event, ticket)
    second = sign_up(event, ticket, now=NOW)
    third = sign_up(event, ticket, now=NOW + dt.timedelta(seconds=1))
    assert (second.state, third.state) == (S.WAITLISTED, S.WAITLISTED)
    assert (waitlist_position(second), waitlist_position(third)) == (1, 2)
    assert mail_kinds(third) == ["registration.waitlisted"]
    outbox = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.recipient == third.email)).scalar_one()
    assert "position 2" in outbox.body_text


def test_full_ticket_type_without_waiting_list_raises_sold_out(
        make_event, make_ticket_type, sign_up):
    event = make_event()
    ticket = make_ticket_type(event, capacity=1)
    sign_up(event, ticket)
    with pytest.raises(SoldOut):
        sign_up(event, ticket, join_waitlist=False)
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1


def test_event_wide_capacity_limits_all_counting_ticket_types(
        make_event, make_ticket_type, sign_up):
    event = make_event(capacity=2)
    standard = make_ticket_type(event, capacity=10)
    student = make_ticket_type(event, capacity=10)
    sign_up(event, standard)
    sign_up(event, student)
    assert remaining_seats(standard) == 0
    assert sign_up(event, student).state is S.WAITLISTED


def test_speaker_tickets_do_not_count_toward_event_capacity(
        make_event, make_ticket_type, sign_up):
    event = make_event(capacity=1)
    standard = make_ticket_type(event, capacity=None)
    speaker = make_ticket_type(event, capacity=None, is_public=False, access_code="SPK",
                               counts_toward_event_capacity=False)
    sign_up(event, standard)
    assert sign_up(event, speaker, access_code="SPK").state is S.CONFIRMED
    assert remaining_seats(speaker) is None
    assert sign_up(event, standard).state is S.WAITLISTED


def test_hidden_ticket_type_needs_its_access_code(make_event, make_ticket_type, sign_up):
    event = make_event()
    press = make_ticket_type(event, is_public=False, access_code="PRESS-2026")
    with pytest.raises(InvalidAccessCode):
        sign_up(event, press)
    with pytest.raises(InvalidAccessCode):
        sign_up(event, press, access_code="guess")
    assert sign_up(event, press, access_code=" PRESS-2026 ").state is S.CONFIRMED


def test_sales_window_and_event_status_are_enforced(make_event, make_ticket_type, sign_up):
    event = make_event()
    ticket = make_ticket_type(event, sales_open_at=NOW, sales_close_at=NOW + dt.timedelta(days=1))
    with pytest.raises(SalesClosed):
        sign_up(event, ticket, now=NOW - dt.timedelta(minutes=1))
    with pytest.raises(SalesClosed):
        sign_up(event, ticket, now=NOW + dt.timedelta(days=1))
    draft = make_event(status=EventStatus.DRAFT)
    with pytest.raises(SalesClosed):
        sign_up(draft, make_ticket_type(draft))


def test_back_office_may_ignore_window_and_capacity(
        make_event, make_ticket_type, make_user, sign_up):
    event = make_event()
    organizer = make_user(events=[event])
    ticket = make_ticket_type(event, capacity=0, sales_close_at=NOW)
    walk_in = sign_up(event, ticket, by_user=organizer, ignore_sales_window=True,
                      ignore_capacity=True, privacy_consent=False, now=NOW)
    assert walk_in.state is S.CONFIRMED
    assert walk_in.changes[0].user_id == organizer.id


def test_free_ticket_is_marked_waived_and_paid_ticket_unpaid(
        make_event, make_ticket_type, sign_up):
    event = make_event()
    assert sign_up(event, make_ticket_type(event, price=0)).payment_status is PaymentStatus.WAIVED
    assert sign_up(event, make_ticket_type(event, price=250)).payment_status is PaymentStatus.UNPAID


# --- Duplicates ---


def test_same_email_twice_is_refused_case_insensitively(make_event, make_ticket_type, sign_up):
    event = make_event()
    ticket = make_ticket_type(event)
    first = sign_up(event, ticket, who={"email": "Ola.Nowak@Example.org"})
    assert first.email == "ola.nowak@example.org"
    with pytest.raises(AlreadyRegistered):
        sign_up(event, ticket, who={"email": "ola.nowak@EXAMPLE.ORG"})


def test_same_email_may_register_again_after_cancelling(make_event, make_ticket_type, sign_up):
    event = make_event()
    ticket = make_ticket_type(event)
    first = sign_up(event, ticket, who={"email": "again@example.org"})
    cancel(first)
    assert sign_up(event, ticket, who={"email": "again@example.org"}).state is S.CONFIRMED


def test_database_refuses_a_second_active_registration_for_one_email(
        make_event, make_ticket_type, make_registration):
    from sqlalchemy.exc import IntegrityError

    event = make_event()
    make_registration(event, email="dup@example.org")
    with pytest.raises(IntegrityError):
        make_registration(event, email="dup@example.org")
    db.session.rollback()


def test_same_email_may_register_for_another_event(make_event, make_ticket_type, sign_up):
    one, two = make_event(), make_event()
    sign_up(one, make_ticket_type(one), who={"email": "both@example.org"})
    assert sign_up(two, make_ticket_type(two), who={"email": "both@example.org"}).id


# --- Validation and consents ---


@pytest.mark.parametrize("first, last", [
    ("Łukasz", "Żółkiewski-Wąsowicz"), ("Seán", "O'Brien"), ("小龙", "李"),
    ("Jānis", "Bērziņš"), ("Mary-Ann", "St. John"),
])
def test_international_names_are_accepted(make_event, make_ticket_type, sign_up, first, last):
    event = make_event()
    registration = sign_up(event, make_ticket_type(event), who={"first_name": first,
                                                                 "last_name": last})
    assert (registration.first_name, registration.last_name) == (first, last)


@pytest.mark.parametrize("field, value", [
    ("first_name", ""), ("first_name", "   "), ("last_name", "x" * 101),
    ("first_name", "<script>"), ("last_name", "Nowak\x00"), ("first_name", "1234"),
    ("email", "not-an-email"), ("email", "a@b"), ("email", "x" * 250 + "@example.org"),
    ("organization", "o" * 201), ("job_title", "j" * 201), ("country", "XX"),
    ("country", "Poland"), ("country", "EU"), ("phone", "call me"), ("phone", "1" * 41),
])
def test_bad_details_are_refused_naming_the_field(
        make_event, make_ticket_type, sign_up, field, value):
    event = make_event()
    with pytest.raises(InvalidDetails) as error:
        sign_up(event, make_ticket_type(event), who={field: value})
    assert error.value.details["field"] == field
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_privacy_consent_is_required_and_stored_with_time_and_version(
        make_event, make_ticket_type, sign_up):
    event = make_event(privacy_policy_version="2026-03")
    ticket = make_ticket_type(event)
    with pytest.raises(ConsentRequired):
        sign_up(event, ticket, privacy_consent=False)
    registration = sign_up(event, ticket, consent_public_list=True, now=NOW)
    assert registration.privacy_consent_at == NOW
    assert registration.privacy_policy_version == "2026-03"
    assert registration.consent_public_list is True
    assert registration.consent_news is False


@pytest.fixture
def questions(make_event):
    event = make_event()
    qs = {
        "diet": Question(event=event, label="Dietary needs", kind=QuestionKind.SINGLE_CHOICE,
                         options="None\nVegetarian\nVegan", required=True, position=1),
        "workshops": Question(event=event, label="Workshops",
                              kind=QuestionKind.MULTIPLE_CHOICE, options="CRISPR\nAI\nGMP"),
        "note": Question(event=event, label="Note", kind=QuestionKind.LONG_TEXT),
        "photo": Question(event=event, label="Photos OK", kind=QuestionKind.CHECKBOX),
    }
    db.session.add_all(qs.values())
    db.session.commit()
    return event, qs


def test_answers_are_validated_by_kind_and_stored(questions, make_ticket_type, sign_up):
    event, qs = questions
    registration = sign_up(event, make_ticket_type(event), answers={
        qs["diet"].id: "Vegan", qs["workshops"].id: ["AI", "CRISPR"],
        qs["note"].id: "Wheelchair\naccess", qs["photo"].id: "y"})
    stored = {a.question_id: a.value for a in registration.answers}
    assert stored == {qs["diet"].id: "Vegan", qs["workshops"].id: "CRISPR\nAI",
                      qs["note"].id: "Wheelchair\naccess", qs["photo"].id: "yes"}


@pytest.mark.parametrize("key, value", [
    ("diet", None), ("diet", "Carnivore"), ("workshops", ["AI", "Golf"]),
    ("note", "x" * 4001), ("diet", ["Vegan", "None"]),
])
def test_bad_or_missing_required_answers_are_refused(
        questions, make_ticket_type, sign_up, key, value):
    event, qs = questions
    answers = {qs["diet"].id: "None"}
    answers[qs[key].id] = value
    with pytest.raises(InvalidAnswer) as error:
        sign_up(event, make_ticket_type(event), answers=answers)
    assert error.value.details["question_id"] == qs[key].id


def test_answer_to_a_question_of_another_event_is_refused(
        questions, make_event, make_ticket_type, sign_up):
    _, qs = questions
    other = make_event()
    with pytest.raises(InvalidAnswer):
        sign_up(other, make_ticket_type(other), answers={qs["diet"].id: "Vegan"})


# --- Cancelling, waiting list ---


def test_cancel_frees_the_seat_and_promotes_the_first_in_line(
        make_event, make_ticket_type, sign_up):
    event = make_event(waitlist_mode=WaitlistMode.AUTOMATIC)
    ticket = make_ticket_type(event, capacity=1)
    holder = sign_up(event, ticket, now=NOW)
    first = sign_up(event, ticket, now=NOW + dt.timedelta(minutes=1))
    second = sign_up(event, ticket, now=NOW + dt.timedelta(minutes=2))
    promoted = cancel(holder, now=NOW + dt.timedelta(hours=1))
    assert promoted == [first]
    assert holder.state is S.CANCELLED
    assert first.state is S.CONFIRMED
    assert first.state_changed_at == NOW + dt.timedelta(hours=1)
    assert waitlist_position(second) == 1
    assert mail_kinds(first) == ["registration.waitlisted", "registration.promoted"]
    assert mail_kinds(holder) == ["registration.confirmed", "registration.cancelled"]


def test_cancelling_twice_is_an_invalid_transition(make_event, make_ticket_type, sign_up):
    event = make_event()
    registration = sign_up(event, make_ticket_type(event))
    cancel(registration)
    with pytest.raises(InvalidTransition):
        cancel(registration)


def test_history_records_each_change_with_time_and_user(
        make_event, make_ticket_type, make_user, sign_up):
    event = make_event()
    organizer = make_user(events=[event])
    ticket = make_ticket_type(event, requires_approval=True, price=250)
    registration = sign_up(event, ticket, now=NOW)
    approve(registration, by_user=organizer, now=NOW + dt.timedelta(hours=1))
    set_payment_status(registration, PaymentStatus.PAID, by_user=organizer,
                       now=NOW + dt.timedelta(hours=2))
    cancel(registration, now=NOW + dt.timedelta(hours=3))
    history = [(c.action, c.detail, c.user_id, c.at) for c in registration.changes]
    assert history == [
        ("registered", f"pending, {ticket.name}", None, NOW),
        ("state", "pending → confirmed (approved)", organizer.id, NOW + dt.timedelta(hours=1)),
        ("payment", "unpaid → paid", organizer.id, NOW + dt.timedelta(hours=2)),
        ("state", "confirmed → cancelled (by attendee)", None, NOW + dt.timedelta(hours=3)),
    ]


def test_approve_refuses_a_cancelled_registration(make_event, make_ticket_type, make_user,
                                                  sign_up):
    event = make_event()
    registration = sign_up(event, make_ticket_type(event, requires_approval=True))
    cancel(registration)
    with pytest.raises(InvalidTransition):
        approve(registration, by_user=make_user(events=[event]))


def test_rejecting_a_pending_registration_passes_its_seat_on(
        make_event, make_ticket_type, make_user, sign_up):
    event = make_event()
    ticket = make_ticket_type(event, capacity=1, requires_approval=True)
    pending = sign_up(event, ticket)
    waiting = sign_up(event, ticket)
    reject(pending, by_user=make_user(events=[event]))
    assert pending.state is S.REJECTED
    assert waiting.state is S.PENDING
    assert "registration.rejected" in mail_kinds(pending)


def test_raising_capacity_and_promoting_fills_the_new_seats(
        make_event, make_ticket_type, sign_up):
    event = make_event()
    ticket = make_ticket_type(event, capacity=1)
    sign_up(event, ticket)
    waiting = [sign_up(event, ticket, now=NOW + dt.timedelta(minutes=i)) for i in range(3)]
    ticket.capacity = 3
    db.session.commit()
    promoted = promote_waitlist(ticket)
    assert promoted == waiting[:2]
    assert [r.state for r in waiting] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]


def test_event_wide_seat_freed_goes_to_the_first_waiting_of_any_counting_type(
        make_event, make_ticket_type, sign_up):
    event = make_event(capacity=1)
    standard = make_ticket_type(event, capacity=None)
    student = make_ticket_type(event, capacity=None)
    holder = sign_up(event, standard, now=NOW)
    student_waiting = sign_up(event, student, now=NOW + dt.timedelta(minutes=1))
    sign_up(event, standard, now=NOW + dt.timedelta(minutes=2))
    assert cancel(holder) == [student_waiting]


def test_ticket_types_sharing_the_event_capacity_wait_in_one_line_in_joining_order(
        make_event, make_ticket_type, sign_up):
    event = make_event(capacity=1)
    standard = make_ticket_type(event, capacity=None)
    student = make_ticket_type(event, capacity=None)
    sign_up(event, standard)
    # The clock the requests started at does not order the line; joining it does.
    first = sign_up(event, student, now=NOW + dt.timedelta(minutes=5))
    second = sign_up(event, standard, now=NOW)
    assert (waitlist_position(first), waitlist_position(second)) == (1, 2)
    assert first.waitlist_seq < second.waitlist_seq


def test_offer_mode_offers_the_seat_for_the_set_hours_and_accepting_confirms(
        make_event, make_ticket_type, sign_up):
    event = make_event(waitlist_mode=WaitlistMode.OFFER, waitlist_offer_hours=24)
    ticket = make_ticket_type(event, capacity=1)
    holder = sign_up(event, ticket, now=NOW)
    first = sign_up(event, ticket, now=NOW)
    later = NOW + dt.timedelta(hours=1)
    assert cancel(holder, now=later) == [first]
    assert first.state is S.WAITLISTED
    assert first.offer_expires_at == later + dt.timedelta(hours=24)
    assert remaining_seats(ticket) == 0  # the offered seat is kept for them
    assert mail_kinds(first)[-1] == "registration.offer"
    accept_offer(first, now=later + dt.timedelta(hours=2))
    assert first.state is S.CONFIRMED
    assert first.offer_expires_at is None


def test_expired_offer_passes_to_the_next_in_line(make_event, make_ticket_type, sign_up):
    event = make_event(waitlist_mode=WaitlistMode.OFFER, waitlist_offer_hours=2)
    ticket = make_ticket_type(event, capacity=1)
    holder = sign_up(event, ticket, now=NOW)
    first = sign_up(event, ticket, now=NOW + dt.timedelta(minutes=1))
    second = sign_up(event, ticket, now=NOW + dt.timedelta(minutes=2))
    cancel(holder, now=NOW + dt.timedelta(hours=1))
    assert expire_offers(event, now=NOW + dt.timedelta(hours=2)) == []  # not yet
    expired = expire_offers(event, now=NOW + dt.timedelta(hours=3, minutes=1))
    db.session.expire_all()
    assert [r.id for r in expired] == [first.id]
    assert first.state is S.CANCELLED
    assert second.offer_expires_at == NOW + dt.timedelta(hours=5, minutes=1)
    with pytest.raises(InvalidTransition):
        accept_offer(first, now=NOW + dt.timedelta(hours=4))
    assert mail_kinds(first)[-1] == "registration.cancelled"
    assert mail_kinds(second)[-1] == "registration.offer"


def test_accepting_an_expired_offer_is_refused(make_event, make_ticket_type, sign_up):
    event = make_event(waitlist_mode=WaitlistMode.OFFER, waitlist_offer_hours=1)
    ticket = make_ticket_type(event, capacity=1)
    holder = sign_up(event, ticket, now=NOW)
    first = sign_up(event, ticket, now=NOW)
    cancel(holder, now=NOW)
    with pytest.raises(InvalidTransition):
        accept_offer(first, now=NOW + dt.timedelta(hours=1))


def test_newcomer_does_not_jump_ahead_of_the_waiting_list(make_event, make_ticket_type,
                                                            sign_up):
    event = make_event()
    ticket = make_ticket_type(event, capacity=1)
    sign_up(event, ticket)
    waiting = sign_up(event, ticket)
    ticket.capacity = 2  # raised without calling promote_waitlist
    db.session.commit()
    newcomer = sign_up(event, ticket)
    assert waiting.state is S.CONFIRMED
    assert newcomer.state is S.WAITLISTED


# --- Editing, ticket type, link ---


def test_attendee_edits_details_until_the_deadline(make_event, make_ticket_type, sign_up):
    event = make_event(edit_deadline=NOW)
    registration = sign_up(event, make_ticket_type(event), now=NOW - dt.timedelta(days=1))
    update_details(registration, attendee(first_name="Łucja", email=registration.email),
                   now=NOW - dt.timedelta(seconds=1))
    assert registration.first_name == "Łucja"
    assert registration.changes[-1].action == "details"
    with pytest.raises(EditDeadlinePassed):
        update_details(registration, attendee(first_name="Late"), now=NOW)


def test_organizer_may_edit_after_the_deadline(make_event, make_ticket_type, make_user,
                                               sign_up):
    event = make_event(edit_deadline=NOW)
    registration = sign_up(event, make_ticket_type(event), now=NOW - dt.timedelta(days=1))
    organizer = make_user(events=[event])
    update_details(registration, attendee(last_name="Nowak"), by_user=organizer,
                   now=NOW + dt.timedelta(days=1))
    assert registration.last_name == "Nowak"


def test_editing_to_an_email_already_registered_is_refused(make_event, make_ticket_type,
                                                            sign_up):
    event = make_event()
    ticket = make_ticket_type(event)
    sign_up(event, ticket, who={"email": "taken@example.org"})
    other = sign_up(event, ticket)
    with pytest.raises(AlreadyRegistered):
        update_details(other, attendee(email="TAKEN@example.org"))


def test_change_ticket_type_moves_the_seat_and_promotes_on_the_old_type(
        make_event, make_ticket_type, make_user, sign_up):
    event = make_event()
    organizer = make_user(events=[event])
    standard = make_ticket_type(event, capacity=1, name="Standard")
    student = make_ticket_type(event, capacity=1, name="Student")
    moving = sign_up(event, standard)
    waiting = sign_up(event, standard)
    change_ticket_type(moving, student, by_user=organizer)
    assert moving.ticket_type_id == student.id
    assert waiting.state is S.CONFIRMED
    assert moving.changes[-1].detail == "Standard → Student"
    with pytest.raises(SoldOut):
        change_ticket_type(waiting, student, by_user=organizer)


def test_resend_link_emails_a_registered_address_and_is_silent_otherwise(
        make_event, make_ticket_type, sign_up):
    event = make_event()
    registration = sign_up(event, make_ticket_type(event), who={"email": "me@example.org"})
    resend_link(event, "ME@example.org")
    resend_link(event, "nobody@example.org")
    resend_link(event, "not an address")
    assert mail_kinds(registration) == ["registration.confirmed", "registration.link"]
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 2
    message = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "registration.link")).scalar_one()
    assert f"/e/{event.slug}/r/{registration.token}/" in message.body_text
