"""Ticket types, questions and the event-wide registration settings organizers save."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conference.extensions import db
from conference.models import QuestionKind, WaitlistMode
from conference.services.registration_settings import (
    InvalidSalesWindow,
    RegistrationAdminError,
    TicketTypeFields,
    TooFewChoices,
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
