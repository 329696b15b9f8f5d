"""CSV and XLSX exports: filtered rows, answers per question, consents, formulas neutralised."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from conference.extensions import db
from conference.models import Answer, Question, QuestionKind, RegistrationState
from conference.services.registration.admin import RegistrationFilter
from conference.services.registration.export import export_csv, export_xlsx, neutralise


@pytest.mark.parametrize("value", ["=1+1", "+48 600", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_triggers_are_prefixed_with_a_quote(value):
    assert neutralise(value) == "'" + value


def test_plain_values_are_left_alone():
    assert neutralise("Łukasz") == "Łukasz" and neutralise(5) == 5 and neutralise("a=b") == "a=b"


@pytest.fixture
def exported(make_event, make_ticket_type, make_registration):
    event = make_event()
    ticket_type = make_ticket_type(event, name="Regular")
    diet = Question(event=event, label="Dietary needs", kind=QuestionKind.SHORT_TEXT, position=1)
    workshops = Question(event=event, label="Workshops", kind=QuestionKind.MULTIPLE_CHOICE,
                         options="CRISPR\nProteomics", position=2)
    db.session.add_all([diet, workshops])
    db.session.commit()
    evil = make_registration(event, ticket_type, first_name="=HYPERLINK(\"http://x\")",
                             last_name="Żółkiewski", email="evil@example.org",
                             organization="@corp", phone="+48 600 100 200",
                             consent_news=True)
    db.session.add_all([Answer(registration_id=evil.id, question_id=diet.id,
                               value="=cmd|' /C calc'!A0"),
                        Answer(registration_id=evil.id, question_id=workshops.id,
                               value="CRISPR\nProteomics")])
    make_registration(event, ticket_type, email="gone@example.org",
                      state=RegistrationState.CANCELLED)
    db.session.commit()
    return event


def _active_only():
    return RegistrationFilter(states=[RegistrationState.CONFIRMED])


def test_csv_has_bom_header_with_questions_and_only_filtered_rows(exported):
    data = export_csv(exported, _active_only())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[-2:] == ["Dietary needs", "Workshops"]
    assert "Privacy consent at" in header and "News" in header
    assert len(body) == 1 and body[0][header.index("Email")] == "evil@example.org"


def test_csv_neutralises_formulas_in_every_column(exported):
    rows = list(csv.reader(io.StringIO(export_csv(exported, _active_only()).decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    cell = dict(zip(header, row, strict=True))
    assert cell["First name"] == "'=HYPERLINK(\"http://x\")"
    assert cell["Organization"] == "'@corp"
    assert cell["Phone"] == "'+48 600 100 200"
    assert cell["Dietary needs"] == "'=cmd|' /C calc'!A0"
    assert cell["Workshops"] == "CRISPR; Proteomics"
    assert cell["Last name"] == "Żółkiewski"
    assert cell["News"] == "yes" and cell["Public participant list"] == "no"


def test_xlsx_stores_neutralised_text_not_formulas(exported):
    workbook = load_workbook(io.BytesIO(export_xlsx(exported, _active_only())))
    sheet = workbook.active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header, row = rows[0], rows[1]
    cell = dict(zip(header, row, strict=True))
    assert cell["First name"] == "'=HYPERLINK(\"http://x\")"
    assert cell["Dietary needs"] == "'=cmd|' /C calc'!A0"
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)
    assert len(rows) == 2


def test_xlsx_drops_control_characters_that_excel_refuses(make_event, make_registration):
    event = make_event()
    make_registration(event, organization="\x01=evil\x02")
    sheet = load_workbook(io.BytesIO(export_xlsx(event, RegistrationFilter()))).active
    values = [c.value for c in list(sheet.iter_rows())[1]]
    assert "'=evil" in values
