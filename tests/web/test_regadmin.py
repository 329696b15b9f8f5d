"""The registration back office through the Flask client, as an organizer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from conference.extensions import db
from conference.models import (
    Answer,
    OutboxMessage,
    PaymentStatus,
    Question,
    QuestionKind,
    Registration,
    RegistrationChange,
    RegistrationState,
    TicketType,
)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _url(desk, path: str) -> str:
    return f"/manage/{desk.event.slug}{path}"


def _reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


# --- Links and set-up pages -----------------------------------------------------------------


def test_event_overview_links_the_registration_sections(desk):
    page = _text(desk.client.get(_url(desk, "/")))
    for path in ("/registrations", "/ticket-types", "/questions", "/dashboard"):
        assert f'href="{_url(desk, path)}"' in page


def test_ticket_type_is_created_with_sales_window_in_the_event_timezone(desk):
    response = desk.client.post(_url(desk, "/ticket-types/new"), data={
        "name": "Early bird", "description": "Until March", "price": "250.00",
        "currency": "PLN", "capacity": "40", "sales_open_at": "2026-03-01T09:00",
        "sales_close_at": "2026-03-31T23:59", "visibility": "public", "badge_role": "attendee",
        "counts_toward_event_capacity": "y", "position": "1"})
    assert response.status_code == 302
    ticket_type = db.session.execute(
        db.select(TicketType).where(TicketType.name.contains("Early bird"))).scalar_one()
    # 09:00 in Warsaw (CET, UTC+1) is 08:00 UTC; 23:59 on 31 March (CEST, UTC+2) is 21:59 UTC.
    assert ticket_type.sales_open_at == dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    assert ticket_type.sales_close_at == dt.datetime(2026, 3, 31, 21, 59, tzinfo=dt.UTC)
    assert ticket_type.capacity == 40 and str(ticket_type.price) == "250.00"
    listing = _text(desk.client.get(_url(desk, "/ticket-types")))
    assert "Early bird" in listing and "0 / 40" in listing


def test_ticket_type_edit_form_shows_local_times(desk, make_ticket_type):
    ticket_type = make_ticket_type(desk.event, sales_open_at=dt.datetime(
        2026, 3, 1, 8, 0, tzinfo=dt.UTC))
    page = _text(desk.client.get(_url(desk, f"/ticket-types/{ticket_type.id}/edit")))
    assert 'value="2026-03-01T09:00"' in page


def test_hidden_ticket_type_without_code_is_refused_with_a_message(desk):
    response = desk.client.post(_url(desk, "/ticket-types/new"), data={
        "name": "Press", "price": "0", "currency": "PLN", "visibility": "code",
        "badge_role": "press", "position": "0"})
    assert response.status_code == 200
    assert "needs an access code" in _text(response)
    assert db.session.scalar(db.select(db.func.count(TicketType.id))) == 0


def test_bad_numbers_in_the_ticket_form_give_messages_not_errors(desk):
    response = desk.client.post(_url(desk, "/ticket-types/new"), data={
        "name": "X", "price": "abc", "currency": "GBP", "capacity": "-3",
        "sales_open_at": "yesterday", "visibility": "public", "badge_role": "nobody"})
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(TicketType.id))) == 0


def test_nul_characters_in_set_up_forms_give_messages(desk):
    response = desk.client.post(_url(desk, "/ticket-types/new"), data={
        "name": "Bad\x00name", "price": "0", "currency": "PLN", "visibility": "public",
        "badge_role": "attendee", "position": "0"})
    assert "control characters" in _text(response)
    response = desk.client.post(_url(desk, "/questions/new"), data={
        "label": "Diet\x00", "kind": "short_text", "position": "0", "active": "y"})
    assert "control characters" in _text(response)
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_raising_capacity_promotes_the_waiting_list(desk, make_ticket_type, sign_up):
    ticket_type = make_ticket_type(desk.event, name="Workshop", capacity=1)
    sign_up(desk.event, ticket_type)
    waiting = sign_up(desk.event, ticket_type)
    assert waiting.state is RegistrationState.WAITLISTED
    response = desk.client.post(_url(desk, f"/ticket-types/{ticket_type.id}/edit"), data={
        "name": "Workshop", "price": "0", "currency": "PLN", "capacity": "2",
        "visibility": "public", "badge_role": "attendee", "counts_toward_event_capacity": "y",
        "position": "0"}, follow_redirects=True)
    assert "1 people moved up from the waiting list" in _text(response)
    assert _reload(waiting).state is RegistrationState.CONFIRMED


def test_registration_settings_are_saved(desk):
    response = desk.client.post(_url(desk, "/registration-settings"), data={
        "capacity": "300", "waitlist_mode": "offer", "waitlist_offer_hours": "24",
        "edit_deadline": "2026-05-01T18:00", "privacy_policy_version": "2026-01",
        "privacy_policy_url": "https://example.org/privacy", "requires_payment": "y"})
    assert response.status_code == 302
    event = _reload(desk.event)
    assert (event.capacity, event.waitlist_mode.value, event.waitlist_offer_hours) == (
        300, "offer", 24)
    assert event.edit_deadline == dt.datetime(2026, 5, 1, 16, 0, tzinfo=dt.UTC)
    assert event.requires_payment is True


def test_raising_the_event_capacity_promotes_the_waiting_list(desk, make_ticket_type,
                                                              sign_up):
    desk.event.capacity = 1
    db.session.commit()
    ticket_type = make_ticket_type(desk.event, capacity=None)
    sign_up(desk.event, ticket_type)
    waiting = sign_up(desk.event, ticket_type)
    assert waiting.state is RegistrationState.WAITLISTED
    response = desk.client.post(_url(desk, "/registration-settings"), data={
        "capacity": "2", "waitlist_mode": "automatic", "waitlist_offer_hours": "48",
        "privacy_policy_version": "1"}, follow_redirects=True)
    assert "1 people moved up from the waiting list" in _text(response)
    assert _reload(waiting).state is RegistrationState.CONFIRMED


def test_question_is_created_and_listed(desk):
    response = desk.client.post(_url(desk, "/questions/new"), data={
        "label": "Dietary needs", "kind": "single_choice", "options": "None\nVegan\nHalal",
        "required": "y", "position": "1", "active": "y"}, follow_redirects=True)
    assert "Dietary needs" in _text(response) and "None, Vegan, Halal" in _text(response)


def test_choice_question_with_one_option_is_refused(desk):
    response = desk.client.post(_url(desk, "/questions/new"), data={
        "label": "Workshop", "kind": "multiple_choice", "options": "Only one",
        "position": "0", "active": "y"})
    assert response.status_code == 200
    assert "at least two options" in _text(response)
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_question_can_be_hidden(desk):
    question = Question(event=desk.event, label="T-shirt", kind=QuestionKind.SHORT_TEXT)
    db.session.add(question)
    db.session.commit()
    desk.client.post(_url(desk, f"/questions/{question.id}/edit"), data={
        "label": "T-shirt size", "kind": "short_text", "position": "0"})
    question = _reload(question)
    assert (question.label, question.active) == ("T-shirt size", False)


def test_objects_of_another_event_give_404(desk, make_event, make_ticket_type,
                                            make_registration):
    other = make_event()
    ticket_type = make_ticket_type(other)
    registration = make_registration(other, ticket_type)
    question = Question(event=other, label="Q", kind=QuestionKind.SHORT_TEXT)
    db.session.add(question)
    db.session.commit()
    for path in (f"/ticket-types/{ticket_type.id}/edit", f"/questions/{question.id}/edit",
                 f"/registrations/{registration.id}", f"/registrations/{registration.id}/cancel"):
        assert desk.client.get(_url(desk, path)).status_code == 404, path


# --- The list ---------------------------------------------------------------------------------


@pytest.fixture
def people(desk, make_ticket_type, make_registration):
    student = make_ticket_type(desk.event, name="Student", price=90)
    regular = make_ticket_type(desk.event, name="Regular", price=250)
    make_registration(desk.event, regular, first_name="Łukasz", last_name="Żółkiewski",
                      email="lukasz@uj.edu.pl", organization="Jagiellonian University")
    make_registration(desk.event, student, first_name="Siobhan", last_name="O'Brien",
                      email="siobhan@tcd.ie", organization="Trinity College",
                      payment_status=PaymentStatus.PAID)
    make_registration(desk.event, student, first_name="Ada", last_name="Lovelace",
                      email="ada@example.org", organization="=EVIL()",
                      state=RegistrationState.WAITLISTED)
    return student, regular


def test_list_shows_states_and_payment_with_labels(desk, people):
    page = _text(desk.client.get(_url(desk, "/registrations")))
    assert "3 registrations" in page
    assert "Waiting list" in page and "Confirmed" in page and "Paid" in page


def test_list_search_and_filters(desk, people):
    student, _ = people
    page = _text(desk.client.get(_url(desk, "/registrations?q=trinity")))
    assert "siobhan@tcd.ie" in page and "lukasz@uj.edu.pl" not in page
    page = _text(desk.client.get(_url(desk, f"/registrations?ticket_type={student.id}"
                                               "&state=waitlisted")))
    assert "ada@example.org" in page and "siobhan@tcd.ie" not in page
    page = _text(desk.client.get(_url(desk, "/registrations?paid=paid")))
    assert "1 registration" in page and "siobhan@tcd.ie" in page


def test_list_sorts_by_name(desk, people):
    page = _text(desk.client.get(_url(desk, "/registrations?sort=name&dir=asc")))
    assert page.index("ada@example.org") < page.index("siobhan@tcd.ie") < page.index(
        "lukasz@uj.edu.pl")
    page = _text(desk.client.get(_url(desk, "/registrations?sort=name&dir=desc")))
    assert page.index("lukasz@uj.edu.pl") < page.index("ada@example.org")


def test_list_paginates_and_keeps_filters_in_page_links(desk, make_ticket_type,
                                                        make_registration):
    ticket_type = make_ticket_type(desk.event)
    for _ in range(55):
        make_registration(desk.event, ticket_type, organization="Selvita")
    page = _text(desk.client.get(_url(desk, "/registrations?q=selvita")))
    assert "Page 1 of 2" in page
    next_link = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "q=selvita" in next_link and "page=2" in next_link
    second = _text(desk.client.get(next_link))
    assert second.count("@example.org</td>") == 5


@pytest.mark.parametrize("query", ["page=abc", "page=-1", "sort=drop%20table", "state=nope",
                                   "ticket_type=x", "paid=maybe", "q=" + "x" * 5000,
                                   "ticket_type=2147483648", "ticket_type=%C2%B2",
                                   "page=" + "9" * 5000])
def test_list_ignores_bad_query_values(desk, people, query):
    assert desk.client.get(_url(desk, f"/registrations?{query}")).status_code == 200


def test_a_nul_in_the_list_query_is_a_400_with_a_message(desk, people):
    response = desk.client.get(_url(desk, "/registrations?q=%25%00"))
    assert response.status_code == 400
    assert "control characters" in _text(response)


# --- Exports ----------------------------------------------------------------------------------


def test_csv_export_follows_the_filters_and_neutralises_formulas(desk, people):
    response = desk.client.get(_url(desk, "/registrations/export.csv?state=waitlisted"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["Email"] for r in rows] == ["ada@example.org"]
    assert rows[0]["Organization"] == "'=EVIL()"


def test_xlsx_export_includes_answers_per_question(desk, people):
    question = Question(event=desk.event, label="Dietary needs", kind=QuestionKind.SHORT_TEXT)
    db.session.add(question)
    db.session.commit()
    ada = db.session.execute(
        db.select(Registration).filter_by(email="ada@example.org")).scalar_one()
    db.session.add(Answer(registration_id=ada.id, question_id=question.id, value="@vegan"))
    db.session.commit()
    response = desk.client.get(_url(desk, "/registrations/export.xlsx?q=ada"))
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, row = [[c.value for c in r] for r in sheet.iter_rows()]
    cells = dict(zip(header, row, strict=True))
    assert cells["Dietary needs"] == "'@vegan" and cells["Organization"] == "'=EVIL()"


# --- Import -----------------------------------------------------------------------------------


def _upload(desk, content: bytes, **fields):
    data = {"file": (io.BytesIO(content), "guests.csv"), "notify": "y", **fields}
    return desk.client.post(_url(desk, "/registrations/import"), data=data,
                            content_type="multipart/form-data", follow_redirects=True)


def test_import_page_registers_guests(desk, make_ticket_type):
    make_ticket_type(desk.event, name="Guest")
    response = _upload(desk, "first_name,last_name,email,ticket_type\n"
                             "李,小龙,li@example.cn,Guest\n".encode())
    assert "1 guests imported" in _text(response)
    assert db.session.execute(db.select(Registration.state)).scalar_one() is (
        RegistrationState.CONFIRMED)


def test_import_page_reports_rejected_rows_and_imports_nothing(desk, make_ticket_type):
    make_ticket_type(desk.event, name="Guest")
    response = _upload(desk, b"first_name,last_name,email,ticket_type\n"
                             b"Anna,Nowak,anna@example.org,Guest\n"
                             b"Jan,Kowalski,broken,Guest\n")
    page = _text(response)
    assert "nothing was imported" in page
    assert re.search(r'<td class="num">3</td>\s*<td>broken</td>', page)
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


@pytest.mark.parametrize("content", [b"\xff\xfe\x00g\x00a\x00r\x00b", b"\x00" * 100,
                                     b"PK\x03\x04 zip file", b""])
def test_import_page_explains_bad_files(desk, content):
    response = _upload(desk, content)
    assert response.status_code == 200
    assert 'class="errors"' in _text(response)


def test_import_without_a_file_asks_for_one(desk):
    response = desk.client.post(_url(desk, "/registrations/import"), data={},
                                content_type="multipart/form-data")
    assert response.status_code == 200 and 'class="errors"' in _text(response)


# --- Detail and actions -----------------------------------------------------------------------


def test_detail_shows_history_in_the_event_timezone_and_answers(desk, make_ticket_type,
                                                                sign_up):
    question = Question(event=desk.event, label="Dietary needs", kind=QuestionKind.SHORT_TEXT)
    db.session.add(question)
    db.session.commit()
    ticket_type = make_ticket_type(desk.event)
    registration = sign_up(desk.event, ticket_type, answers={question.id: "Vegan"},
                           now=dt.datetime(2026, 1, 10, 12, 5, tzinfo=dt.UTC))
    page = _text(desk.client.get(_url(desk, f"/registrations/{registration.id}")))
    assert "Vegan" in page and "Dietary needs" in page
    assert "13:05" in page  # 12:05 UTC is 13:05 in Warsaw (24-hour clock)
    assert "registered" in page


def test_edit_details_records_who_changed_them(desk, make_ticket_type, sign_up):
    registration = sign_up(desk.event, make_ticket_type(desk.event))
    response = desk.client.post(_url(desk, f"/registrations/{registration.id}/edit"), data={
        "first_name": "Łukasz", "last_name": "Żółkiewski-Wąsowicz",
        "email": registration.email, "organization": "UJ", "country": "pl"})
    assert response.status_code == 302
    registration = _reload(registration)
    assert (registration.first_name, registration.country) == ("Łukasz", "PL")
    change = db.session.execute(db.select(RegistrationChange).filter_by(
        registration_id=registration.id, action="details")).scalar_one()
    assert change.user_id == desk.organizer.id
    page = _text(desk.client.get(_url(desk, f"/registrations/{registration.id}")))
    assert desk.organizer.name in page


def test_edit_with_an_invalid_name_shows_the_service_message(desk, make_ticket_type, sign_up):
    registration = sign_up(desk.event, make_ticket_type(desk.event))
    response = desk.client.post(_url(desk, f"/registrations/{registration.id}/edit"), data={
        "first_name": "<script>", "last_name": "X", "email": registration.email},
        follow_redirects=True)
    assert response.status_code == 200
    assert "Please correct this field." in _text(response)
    assert _reload(registration).first_name != "<script>"


def test_edit_changes_answers_too(desk, make_ticket_type, sign_up):
    question = Question(event=desk.event, label="Workshops", kind=QuestionKind.MULTIPLE_CHOICE,
                        options="CRISPR\nProteomics")
    db.session.add(question)
    db.session.commit()
    registration = sign_up(desk.event, make_ticket_type(desk.event),
                           answers={question.id: ["CRISPR"]})
    form = _text(desk.client.get(_url(desk, f"/registrations/{registration.id}/edit")))
    assert re.search(r'value="CRISPR"[^>]*checked|checked[^>]*value="CRISPR"', form)
    desk.client.post(_url(desk, f"/registrations/{registration.id}/edit"), data={
        "first_name": "Anna", "last_name": "Nowak", "email": registration.email,
        f"q_{question.id}": ["CRISPR", "Proteomics"]})
    answer = db.session.execute(db.select(Answer).filter_by(
        registration_id=registration.id)).scalar_one()
    assert answer.value == "CRISPR\nProteomics"


def test_cancel_asks_first_then_cancels_and_promotes(desk, make_ticket_type, sign_up):
    ticket_type = make_ticket_type(desk.event, capacity=1)
    first = sign_up(desk.event, ticket_type)
    waiting = sign_up(desk.event, ticket_type)
    confirm_page = desk.client.get(_url(desk, f"/registrations/{first.id}/cancel"))
    assert "Cancel this registration?" in _text(confirm_page)
    assert _reload(first).state is RegistrationState.CONFIRMED
    response = desk.client.post(_url(desk, f"/registrations/{first.id}/cancel"),
                                follow_redirects=True)
    assert "Registration cancelled." in _text(response)
    assert _reload(first).state is RegistrationState.CANCELLED
    assert _reload(waiting).state is RegistrationState.CONFIRMED


def test_cancelling_twice_shows_a_clear_message(desk, make_ticket_type, sign_up):
    registration = sign_up(desk.event, make_ticket_type(desk.event))
    desk.client.post(_url(desk, f"/registrations/{registration.id}/cancel"))
    response = desk.client.post(_url(desk, f"/registrations/{registration.id}/cancel"),
                                follow_redirects=True)
    assert "not possible in the registration" in _text(response)


def test_approve_and_reject_pending_registrations(desk, make_ticket_type, sign_up):
    ticket_type = make_ticket_type(desk.event, requires_approval=True)
    one, two = sign_up(desk.event, ticket_type), sign_up(desk.event, ticket_type)
    assert one.state is RegistrationState.PENDING
    desk.client.post(_url(desk, f"/registrations/{one.id}/approve"))
    assert _reload(one).state is RegistrationState.CONFIRMED
    assert "Reject this registration?" in _text(
        desk.client.get(_url(desk, f"/registrations/{two.id}/reject")))
    desk.client.post(_url(desk, f"/registrations/{two.id}/reject"))
    assert _reload(two).state is RegistrationState.REJECTED
    kinds = set(db.session.execute(db.select(OutboxMessage.kind)).scalars())
    assert {"registration.approved", "registration.rejected"} <= kinds


def test_approving_a_confirmed_registration_is_refused_clearly(desk, make_ticket_type,
                                                               sign_up):
    registration = sign_up(desk.event, make_ticket_type(desk.event))
    response = desk.client.post(_url(desk, f"/registrations/{registration.id}/approve"),
                                follow_redirects=True)
    assert "not possible in the registration" in _text(response)


def test_private_link_can_be_emailed_again(desk, make_ticket_type, sign_up):
    registration = sign_up(desk.event, make_ticket_type(desk.event))
    response = desk.client.post(_url(desk, f"/registrations/{registration.id}/resend-link"),
                                follow_redirects=True)
    assert "The private link was emailed" in _text(response)
    link_mail = db.session.execute(db.select(OutboxMessage).filter_by(
        kind="registration.link")).scalar_one()
    assert link_mail.recipient == registration.email and registration.token in link_mail.body_text


@pytest.mark.parametrize("status", ["paid", "waived", "unpaid"])
def test_payment_is_marked(desk, make_ticket_type, sign_up, status):
    registration = sign_up(desk.event, make_ticket_type(desk.event, price=100))
    if status == "unpaid":
        registration.payment_status = PaymentStatus.PAID
        db.session.commit()
    desk.client.post(_url(desk, f"/registrations/{registration.id}/payment"),
                     data={"status": status})
    assert _reload(registration).payment_status is PaymentStatus(status)


def test_unknown_payment_status_is_refused(desk, make_ticket_type, sign_up):
    registration = sign_up(desk.event, make_ticket_type(desk.event, price=100))
    response = desk.client.post(_url(desk, f"/registrations/{registration.id}/payment"),
                                data={"status": "stolen"}, follow_redirects=True)
    assert "Choose paid, unpaid or waived." in _text(response)
    assert _reload(registration).payment_status is PaymentStatus.UNPAID


def test_ticket_type_change_and_sold_out_message(desk, make_ticket_type, sign_up):
    regular = make_ticket_type(desk.event, name="Regular")
    vip = make_ticket_type(desk.event, name="VIP", capacity=1)
    full = make_ticket_type(desk.event, name="Full", capacity=0)
    registration = sign_up(desk.event, regular)
    response = desk.client.post(_url(desk, f"/registrations/{registration.id}/ticket-type"),
                                data={"ticket_type": full.id}, follow_redirects=True)
    assert "No seats left" in _text(response)
    desk.client.post(_url(desk, f"/registrations/{registration.id}/ticket-type"),
                     data={"ticket_type": vip.id})
    assert _reload(registration).ticket_type_id == vip.id


def test_walk_in_ignores_the_sales_window(desk, make_ticket_type):
    closed = make_ticket_type(desk.event, name="Desk", sales_close_at=dt.datetime(
        2020, 1, 1, tzinfo=dt.UTC))
    response = desk.client.post(_url(desk, "/registrations/new"), data={
        "first_name": "Siobhan", "last_name": "O'Brien", "email": "siobhan@tcd.ie",
        "ticket_type": closed.id, "privacy_consent": "y"})
    assert response.status_code == 302
    registration = db.session.execute(db.select(Registration)).scalar_one()
    assert registration.state is RegistrationState.CONFIRMED
    assert registration.changes[0].user_id == desk.organizer.id


def test_walk_in_when_full_says_so_unless_admitted_over_capacity(desk, make_ticket_type):
    full = make_ticket_type(desk.event, name="Full", capacity=0)
    data = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org",
            "ticket_type": full.id, "privacy_consent": "y"}
    response = desk.client.post(_url(desk, "/registrations/new"), data=data)
    assert "No seats left" in _text(response)
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0
    response = desk.client.post(_url(desk, "/registrations/new"),
                                data={**data, "ignore_capacity": "y"})
    assert response.status_code == 302


def test_walk_in_asks_the_required_questions(desk, make_ticket_type):
    ticket_type = make_ticket_type(desk.event)
    question = Question(event=desk.event, label="Dietary needs", kind=QuestionKind.SHORT_TEXT,
                        required=True)
    db.session.add(question)
    db.session.commit()
    data = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org",
            "ticket_type": ticket_type.id, "privacy_consent": "y"}
    response = desk.client.post(_url(desk, "/registrations/new"), data=data)
    assert response.status_code == 200 and "Dietary needs" in _text(response)
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0
    response = desk.client.post(_url(desk, "/registrations/new"),
                                data={**data, f"q_{question.id}": "Vegan"})
    assert response.status_code == 302
    assert db.session.execute(db.select(Answer.value)).scalar_one() == "Vegan"


def test_walk_in_with_an_email_already_registered(desk, make_ticket_type, sign_up):
    ticket_type = make_ticket_type(desk.event)
    existing = sign_up(desk.event, ticket_type)
    response = desk.client.post(_url(desk, "/registrations/new"), data={
        "first_name": "Ada", "last_name": "Lovelace", "email": existing.email,
        "ticket_type": ticket_type.id, "privacy_consent": "y"})
    assert "already has an active registration" in _text(response)


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_draws_an_svg_bar_chart_without_inline_styles(desk, make_ticket_type,
                                                                make_registration):
    ticket_type = make_ticket_type(desk.event, name="Regular", capacity=10)
    for day in (1, 1, 3):
        make_registration(desk.event, ticket_type, country="PL", organization="Selvita",
                          created_at=dt.datetime(2026, 3, day, 10, tzinfo=dt.UTC))
    page = _text(desk.client.get(_url(desk, "/dashboard")))
    assert "<svg" in page and page.count('class="bar"') == 3  # 1, 2 and 3 March
    assert "style=" not in page and "<script>" not in page
    assert "3 / 10" in page and "Selvita" in page
