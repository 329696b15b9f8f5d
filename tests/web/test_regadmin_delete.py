"""Deleting ticket types and questions in the registration back office, through the client."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import Answer, Question, QuestionKind, RegistrationState, Role, TicketType


def _text(response) -> str:
    return response.get_data(as_text=True)


def _url(event, path: str) -> str:
    return f"/manage/{event.slug}{path}"


def _exists(model, object_id: int) -> bool:
    db.session.expire_all()
    return db.session.get(model, object_id) is not None


def _question(event, label="Dietary needs") -> Question:
    question = Question(event=event, label=label, kind=QuestionKind.SHORT_TEXT)
    db.session.add(question)
    db.session.commit()
    return question


DELETE_BUTTON = '<button type="submit" class="danger">Delete</button>'


# --- Ticket types -------------------------------------------------------------------------------


def test_ticket_type_list_and_edit_page_link_to_the_deletion(desk, make_ticket_type):
    ticket_type = make_ticket_type(desk.event)
    delete_url = _url(desk.event, f"/ticket-types/{ticket_type.id}/delete")
    assert f'href="{delete_url}"' in _text(desk.client.get(_url(desk.event, "/ticket-types")))
    edit_page = _text(desk.client.get(_url(desk.event, f"/ticket-types/{ticket_type.id}/edit")))
    assert f'class="button danger" href="{delete_url}"' in edit_page


def test_organizer_deletes_an_unused_ticket_type_after_confirming(desk, make_ticket_type):
    ticket_type = make_ticket_type(desk.event, name="Early bird")
    url = _url(desk.event, f"/ticket-types/{ticket_type.id}/delete")
    page = desk.client.get(url)
    assert page.status_code == 200
    assert "Delete the ticket type “Early bird”" in _text(page) and DELETE_BUTTON in _text(page)
    assert _exists(TicketType, ticket_type.id)  # the GET only asks

    response = desk.client.post(url, follow_redirects=True)
    assert response.request.path == _url(desk.event, "/ticket-types")
    assert "Ticket type “Early bird” deleted." in _text(response)
    assert "Early bird</a>" not in _text(response)
    assert not _exists(TicketType, ticket_type.id)


def test_a_ticket_type_in_use_explains_why_and_how_to_stop_sales(desk, make_ticket_type,
                                                                   make_registration):
    ticket_type = make_ticket_type(desk.event)
    make_registration(desk.event, ticket_type)
    make_registration(desk.event, ticket_type, state=RegistrationState.CANCELLED)
    page = _text(desk.client.get(_url(desk.event, f"/ticket-types/{ticket_type.id}/delete")))
    assert "2 registrations use this ticket type, so it cannot be deleted." in page
    assert "close its sales window" in page and "access code" in page
    assert f"ticket_type={ticket_type.id}" in page  # a link to those registrations
    assert DELETE_BUTTON not in page


def test_posting_the_deletion_of_a_ticket_type_in_use_is_refused(desk, make_ticket_type,
                                                                   make_registration):
    ticket_type = make_ticket_type(desk.event)
    make_registration(desk.event, ticket_type, state=RegistrationState.CANCELLED)
    response = desk.client.post(_url(desk.event, f"/ticket-types/{ticket_type.id}/delete"))
    assert response.status_code == 200
    assert "1 registration uses this ticket type, so it cannot be deleted." in _text(response)
    assert _exists(TicketType, ticket_type.id)


# --- Questions ----------------------------------------------------------------------------------


def test_question_list_and_edit_page_link_to_the_deletion(desk):
    question = _question(desk.event)
    delete_url = _url(desk.event, f"/questions/{question.id}/delete")
    assert f'href="{delete_url}"' in _text(desk.client.get(_url(desk.event, "/questions")))
    edit_page = _text(desk.client.get(_url(desk.event, f"/questions/{question.id}/edit")))
    assert f'class="button danger" href="{delete_url}"' in edit_page


def test_organizer_deletes_an_unanswered_question_after_confirming(desk):
    question = _question(desk.event, "T-shirt size")
    url = _url(desk.event, f"/questions/{question.id}/delete")
    page = _text(desk.client.get(url))
    assert "Nobody has answered this question" in page and DELETE_BUTTON in page

    response = desk.client.post(url, follow_redirects=True)
    assert response.request.path == _url(desk.event, "/questions")
    assert "Question “T-shirt size” deleted." in _text(response)
    assert "T-shirt size</a>" not in _text(response)
    assert not _exists(Question, question.id)


def test_an_answered_question_is_kept_and_hiding_it_is_offered(desk, make_registration):
    question = _question(desk.event)
    registration = make_registration(desk.event)
    db.session.add(Answer(registration_id=registration.id, question_id=question.id,
                          value="Vegan"))
    db.session.commit()
    url = _url(desk.event, f"/questions/{question.id}/delete")
    page = _text(desk.client.get(url))
    assert "1 registration answered this question, so it cannot be deleted" in page
    assert "untick “Asked on the form”" in page and DELETE_BUTTON not in page

    response = desk.client.post(url)
    assert response.status_code == 200 and "cannot be deleted" in _text(response)
    assert _exists(Question, question.id)
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 1


# --- Who may delete what ------------------------------------------------------------------------


@pytest.fixture
def targets(desk, make_ticket_type):
    """An unused ticket type and an unanswered question of the desk's event."""
    ticket_type = make_ticket_type(desk.event)
    question = _question(desk.event)
    return [(TicketType, ticket_type.id, f"/ticket-types/{ticket_type.id}/delete"),
            (Question, question.id, f"/questions/{question.id}/delete")]


@pytest.mark.parametrize("role", [Role.DOOR, Role.REVIEWER])
def test_door_staff_and_reviewers_of_the_event_may_not_delete(app, desk, targets, make_user,
                                                              login, role):
    client = app.test_client()
    login(client, make_user(role, events=[desk.event]))
    for model, object_id, path in targets:
        assert client.get(_url(desk.event, path)).status_code == 403
        assert client.post(_url(desk.event, path)).status_code == 403
        assert _exists(model, object_id)


def test_an_organizer_of_another_event_may_not_delete(app, desk, targets, make_event, make_user,
                                                      login):
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, events=[make_event()]))
    for model, object_id, path in targets:
        assert client.post(_url(desk.event, path)).status_code == 403
        assert _exists(model, object_id)


def test_anonymous_visitors_are_sent_to_the_login(client, desk, targets):
    for model, object_id, path in targets:
        response = client.post(_url(desk.event, path))
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert _exists(model, object_id)


def test_objects_of_another_event_are_404_through_this_events_pages(desk, make_event,
                                                                     make_ticket_type):
    other = make_event()
    ticket_type = make_ticket_type(other)
    question = _question(other)
    for model, object_id, path in [(TicketType, ticket_type.id, "ticket-types"),
                                   (Question, question.id, "questions")]:
        url = _url(desk.event, f"/{path}/{object_id}/delete")
        assert desk.client.get(url).status_code == 404
        assert desk.client.post(url).status_code == 404
        assert _exists(model, object_id)


@pytest.mark.parametrize("bad_id", ["0", "999999", str(2**31), "x", "-1"])
@pytest.mark.parametrize("path", ["ticket-types", "questions"])
def test_a_bad_id_is_404(desk, path, bad_id):
    url = _url(desk.event, f"/{path}/{bad_id}/delete")
    assert desk.client.get(url).status_code == 404
    assert desk.client.post(url).status_code == 404


def test_a_superuser_may_delete(app, desk, targets, make_user, login):
    client = app.test_client()
    login(client, make_user(Role.ORGANIZER, superuser=True))
    for model, object_id, path in targets:
        assert client.post(_url(desk.event, path)).status_code == 302
        assert not _exists(model, object_id)
