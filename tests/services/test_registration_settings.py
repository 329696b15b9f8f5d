"""Ticket types, questions and the event-wide registration settings organizers save or delete."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conference.extensions import db
from conference.models import (
    Answer,
    BadgeRole,
    Question,
    QuestionKind,
    Registration,
    RegistrationState,
    TicketType,
    WaitlistMode,
)
from conference.services.cfp.decisions import speaker_ticket_type
from conference.services.registration.settings import (
    InvalidSalesWindow,
    QuestionHasAnswers,
    RegistrationAdminError,
    TicketTypeFields,
    TicketTypeInUse,
    TooFewChoices,
    delete_question,
    delete_ticket_type,
    save_question,
    save_registration_settings,
    save_ticket_type,
)

UTC = dt.UTC


def test_new_ticket_type_is_saved_and_does_not_count_as_grown(make_event):
    event = make_event()
    ticket_type, grew = save_ticket_type(event, None, TicketTypeFields(
        name=" Student ", price=Decimal("150.00"), currency="EUR", capacity=20))
    db.session.commit()
    assert (ticket_type.name, ticket_type.currency, ticket_type.capacity) == ("Student", "EUR", 20)
    assert grew is False


def test_raising_capacity_reports_growth(make_event, make_ticket_type):
    event = make_event()
    ticket_type = make_ticket_type(event, capacity=5)
    _, grew = save_ticket_type(event, ticket_type, TicketTypeFields(name="T", capacity=6))
    assert grew is True
    _, grew = save_ticket_type(event, ticket_type, TicketTypeFields(name="T", capacity=3))
    assert grew is False


def test_hidden_ticket_type_needs_an_access_code(make_event):
    with pytest.raises(RegistrationAdminError) as error:
        save_ticket_type(make_event(), None, TicketTypeFields(name="Press", is_public=False))
    assert error.value.details["field"] == "access_code"


def test_sales_must_close_after_they_open(make_event):
    opens = dt.datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(InvalidSalesWindow):
        save_ticket_type(make_event(), None, TicketTypeFields(
            name="T", sales_open_at=opens, sales_close_at=opens))


def test_unknown_currency_is_refused(make_event):
    with pytest.raises(RegistrationAdminError):
        save_ticket_type(make_event(), None, TicketTypeFields(name="T", currency="USD"))


@pytest.mark.parametrize("kind", [QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE])
def test_choice_question_needs_two_options(make_event, kind):
    with pytest.raises(TooFewChoices):
        save_question(make_event(), None, label="Diet", help_text="", kind=kind,
                      options="Vegan\n  \nVegan\n", required=False, position=0, active=True)


def test_choice_question_options_are_trimmed_one_per_line(make_event):
    question = save_question(make_event(), None, label="Diet", help_text="",
                             kind=QuestionKind.SINGLE_CHOICE, options=" Vegan \r\n\nHalal\n",
                             required=True, position=1, active=True)
    db.session.commit()
    assert question.choices == ["Vegan", "Halal"]


def test_settings_report_capacity_growth(make_event):
    event = make_event(capacity=10)
    grew = save_registration_settings(
        event, capacity=12, waitlist_mode=WaitlistMode.OFFER, waitlist_offer_hours=24,
        edit_deadline=None, privacy_policy_version="2", privacy_policy_url="",
        requires_payment=True)
    assert grew is True
    assert (event.waitlist_mode, event.waitlist_offer_hours) == (WaitlistMode.OFFER, 24)


def test_ticket_type_names_are_unique_per_event(make_event, make_ticket_type):
    event = make_event()
    make_ticket_type(event, name="Student")
    with pytest.raises(RegistrationAdminError) as error:
        save_ticket_type(event, None, TicketTypeFields(name="student "))
    assert error.value.details["field"] == "name"
    save_ticket_type(make_event(), None, TicketTypeFields(name="Student"))  # other event: fine


# --- Deleting ---------------------------------------------------------------------------------


def _ids(model) -> set[int]:
    return set(db.session.execute(db.select(model.id)).scalars())


def _question(event, label="Dietary needs") -> Question:
    question = Question(event=event, label=label, kind=QuestionKind.SHORT_TEXT)
    db.session.add(question)
    db.session.commit()
    return question


def _answer(registration, question, value="Vegan") -> None:
    db.session.add(Answer(registration_id=registration.id, question_id=question.id, value=value))
    db.session.commit()


def test_an_unused_ticket_type_is_deleted(make_event, make_ticket_type):
    ticket_type = make_ticket_type(make_event())
    ticket_type_id = ticket_type.id
    delete_ticket_type(ticket_type)
    db.session.commit()
    assert db.session.get(TicketType, ticket_type_id) is None


@pytest.mark.parametrize("state", list(RegistrationState))
def test_a_ticket_type_used_by_a_registration_in_any_state_is_kept(make_event, make_ticket_type,
                                                                   make_registration, state):
    event = make_event()
    ticket_type = make_ticket_type(event)
    make_registration(event, ticket_type, state=state)
    with pytest.raises(TicketTypeInUse) as error:
        delete_ticket_type(ticket_type)
    assert error.value.code == "ticket_type_in_use"
    db.session.rollback()
    assert ticket_type.id in _ids(TicketType)


def test_the_refusal_counts_every_registration_on_the_ticket_type(make_event, make_ticket_type,
                                                                  make_registration):
    event = make_event()
    ticket_type = make_ticket_type(event)
    make_registration(event, ticket_type)
    make_registration(event, ticket_type, state=RegistrationState.CANCELLED)
    make_registration(event, make_ticket_type(event))  # another ticket type: not counted
    with pytest.raises(TicketTypeInUse) as error:
        delete_ticket_type(ticket_type)
    assert error.value.details["count"] == 2
    assert "2 registrations use this ticket type" in error.value.message


def test_deleting_a_ticket_type_touches_nothing_else(make_event, make_ticket_type,
                                                     make_registration):
    event, other_event = make_event(), make_event()
    unused = make_ticket_type(event)
    kept = [make_ticket_type(event), make_ticket_type(other_event)]
    registrations = [make_registration(event, kept[0]), make_registration(other_event, kept[1])]
    question = _question(event)
    _answer(registrations[0], question)
    delete_ticket_type(unused)
    db.session.commit()
    assert _ids(TicketType) == {t.id for t in kept}
    assert _ids(Registration) == {r.id for r in registrations}
    assert _ids(Question) == {question.id}
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 1


def test_the_unused_speaker_ticket_type_may_be_deleted_and_comes_back_when_needed(make_event):
    event = make_event()
    old = speaker_ticket_type(event)
    old_id = old.id
    db.session.commit()
    delete_ticket_type(old)
    db.session.commit()
    assert db.session.get(TicketType, old_id) is None
    new = speaker_ticket_type(event)
    db.session.commit()
    assert _ids(TicketType) == {new.id}
    assert (new.badge_role, new.is_public, new.counts_toward_event_capacity) == (
        BadgeRole.SPEAKER, False, False)


def test_an_unanswered_question_is_deleted(make_event):
    question = _question(make_event())
    question_id = question.id
    delete_question(question)
    db.session.commit()
    assert db.session.get(Question, question_id) is None


def test_a_question_with_answers_is_kept_with_its_answers_and_the_count(make_event,
                                                                        make_registration):
    event = make_event()
    question = _question(event)
    for _ in range(3):
        _answer(make_registration(event), question)
    with pytest.raises(QuestionHasAnswers) as error:
        delete_question(question)
    assert (error.value.code, error.value.details["count"]) == ("question_has_answers", 3)
    assert "3 registrations answered this question" in error.value.message
    db.session.rollback()
    assert question.id in _ids(Question)
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 3


def test_a_hidden_question_with_answers_is_kept_too(make_event, make_registration):
    event = make_event()
    question = _question(event)
    question.active = False
    _answer(make_registration(event), question)
    with pytest.raises(QuestionHasAnswers):
        delete_question(question)


def test_empty_answers_do_not_keep_a_question_and_go_with_it(make_event, make_registration):
    event = make_event()
    question = _question(event)
    registration = make_registration(event)
    _answer(registration, question, value="")
    delete_question(question)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0
    assert registration.id in _ids(Registration)


def test_deleting_a_question_touches_nothing_else(make_event, make_registration):
    event, other_event = make_event(), make_event()
    unanswered = _question(event)
    kept = [_question(event, "T-shirt"), _question(other_event)]
    registrations = [make_registration(event), make_registration(other_event)]
    _answer(registrations[0], kept[0])
    _answer(registrations[1], kept[1])
    delete_question(unanswered)
    db.session.commit()
    assert _ids(Question) == {q.id for q in kept}
    assert _ids(Registration) == {r.id for r in registrations}
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 2
