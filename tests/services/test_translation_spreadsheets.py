"""Translation spreadsheets: export, fill in with openpyxl, import; and every bad file."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from conference.content import LocalizedText
from conference.extensions import db
from conference.models import Event, TicketType
from conference.services.translations import spreadsheet
from conference.services.translations.importing import (
    RowsRefused,
    export_translations,
    import_translations,
)
from conference.services.translations.spreadsheet import (
    FileTooLarge,
    MissingColumns,
    MissingMetadata,
    NotAWorkbook,
    TooManyRows,
    WrongEvent,
    WrongLanguage,
)
from conference.services.translations.texts import translated_columns


@pytest.fixture
def event(make_event, make_ticket_type):
    event = make_event(name=LocalizedText({"pl": "Otwarta Przestrzeń", "en": "Open Space"}),
                       description="Opis wydarzenia", languages="pl,en,de")
    make_ticket_type(event, name=LocalizedText({"pl": "Bilet standardowy"}))
    return event


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def rows_of(data: bytes) -> dict[str, tuple[str, str]]:
    sheet = workbook(data)["translations"]
    return {row[0]: (row[1], row[2] or "") for row in sheet.iter_rows(min_row=2, values_only=True)}


def filled(data: bytes, translations: dict[str, str]) -> bytes:
    """The exported file with ``translations`` typed into the translation column."""
    book = workbook(data)
    sheet = book["translations"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in translations:
            row[2].value = translations[row[0].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ticket_of(event: Event) -> TicketType:
    return db.session.execute(db.select(TicketType).filter_by(event_id=event.id)).scalar_one()


def test_every_translated_column_of_the_models_is_found():
    found = {(c.table, c.attribute) for c in translated_columns()}
    assert {("event", "name"), ("ticket_type", "name"), ("question", "label"),
            ("session", "abstract"), ("decision_template", "body"),
            ("checkpoint", "name"), ("cfp_settings", "guidelines")} <= found


def test_export_lists_key_source_and_existing_translation(app, event):
    rows = rows_of(export_translations(event, "en"))
    assert rows[f"event.{event.id}.name"] == ("Otwarta Przestrzeń", "Open Space")
    ticket = ticket_of(event)
    assert rows[f"ticket_type.{ticket.id}.name"] == ("Bilet standardowy", "")


def test_export_leaves_out_empty_texts(app, event):
    rows = rows_of(export_translations(event, "en"))
    assert f"ticket_type.{ticket_of(event).id}.description" not in rows


def test_export_carries_event_and_language_in_a_hidden_sheet(app, event):
    book = workbook(export_translations(event, "de"))
    meta = dict(book["about"].iter_rows(values_only=True))
    assert book["about"].sheet_state == "hidden"
    assert (meta["event"], meta["language"], meta["source_language"]) == (event.slug, "de", "pl")


def test_export_keeps_a_text_starting_with_equals_as_text(app, event):
    event.description = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    sheet = workbook(export_translations(event, "en"))["translations"]
    cell = next(r[1] for r in sheet.iter_rows(min_row=2) if r[0].value.endswith(".description"))
    assert cell.data_type == "s"


def test_export_into_the_default_language_is_refused(app, event):
    with pytest.raises(WrongLanguage):
        export_translations(event, "pl")


def test_round_trip_stores_the_translations(app, event):
    ticket = ticket_of(event)
    data = filled(export_translations(event, "de"), {
        f"event.{event.id}.name": "Offener Raum",
        f"ticket_type.{ticket.id}.name": "Standardticket",
    })
    report = import_translations(event, data)
    db.session.commit()
    db.session.expire_all()
    assert event.name.translations() == {"pl": "Otwarta Przestrzeń", "en": "Open Space",
                                         "de": "Offener Raum"}
    assert ticket_of(event).name.exact("de") == "Standardticket"
    assert len(report.applied) == 2


def test_a_shared_value_keeps_its_other_languages_when_one_is_translated(app, event):
    data = filled(export_translations(event, "en"),
                  {f"event.{event.id}.description": "Event description"})
    import_translations(event, data)
    db.session.commit()
    db.session.expire_all()
    assert event.description.translations() == {"pl": "Opis wydarzenia", "en": "Event description",
                                                "de": "Opis wydarzenia"}


def test_empty_translations_are_skipped_and_counted(app, event):
    data = export_translations(event, "de")
    report = import_translations(event, data)
    assert report.empty == len(rows_of(data)) == 4 and report.applied == []


def test_unknown_keys_are_reported_and_not_applied(app, event):
    data = filled(export_translations(event, "de"), {})
    book = workbook(data)
    book["translations"].append(["ticket_type.999999.name", "Nie ma", "Gibt es nicht"])
    out = io.BytesIO()
    book.save(out)
    report = import_translations(event, out.getvalue())
    assert [row.key for row in report.unknown] == ["ticket_type.999999.name"]


def test_another_events_key_counts_as_unknown(app, event, make_event, make_ticket_type):
    other = make_ticket_type(make_event(), name="Inny")
    book = workbook(export_translations(event, "de"))
    book["translations"].append([f"ticket_type.{other.id}.name", "Inny", "Anderer"])
    out = io.BytesIO()
    book.save(out)
    report = import_translations(event, out.getvalue())
    db.session.commit()
    assert [row.key for row in report.unknown] == [f"ticket_type.{other.id}.name"]
    db.session.expire_all()
    assert other.name == "Inny"


def test_a_changed_source_is_reported_and_not_applied(app, event):
    data = filled(export_translations(event, "de"), {f"event.{event.id}.name": "Offener Raum"})
    event.name = LocalizedText({"pl": "Otwarta Przestrzeń 2027", "en": "Open Space"})
    db.session.commit()
    report = import_translations(event, data)
    db.session.commit()
    db.session.expire_all()
    assert [row.key for row, _now in report.source_changed] == [f"event.{event.id}.name"]
    assert event.name.exact("de") == ""


def test_a_changed_source_is_applied_when_the_organizer_says_so(app, event):
    data = filled(export_translations(event, "de"), {f"event.{event.id}.name": "Offener Raum"})
    event.name = LocalizedText({"pl": "Otwarta Przestrzeń 2027", "en": "Open Space"})
    db.session.commit()
    import_translations(event, data, apply_changed_sources=True)
    db.session.commit()
    db.session.expire_all()
    assert event.name.exact("de") == "Offener Raum"


def test_preview_changes_nothing(app, event):
    data = filled(export_translations(event, "de"), {f"event.{event.id}.name": "Offener Raum"})
    report = import_translations(event, data, preview=True)
    db.session.commit()
    db.session.expire_all()
    assert len(report.applied) == 1 and event.name.exact("de") == ""


@pytest.mark.parametrize("translation", ["<script>alert(1)</script>", "Hallo <b>Welt</b>",
                                         "<img src=x onerror=alert(1)>"])
def test_html_in_a_translation_refuses_the_file_naming_the_row(app, event, translation):
    ticket = ticket_of(event)
    data = filled(export_translations(event, "de"), {
        f"event.{event.id}.name": "Offener Raum",
        f"ticket_type.{ticket.id}.name": translation,
    })
    with pytest.raises(RowsRefused) as caught:
        import_translations(event, data)
    assert [row.key for row in caught.value.details["rows"]] == [f"ticket_type.{ticket.id}.name"]
    db.session.rollback()
    db.session.expire_all()
    assert event.name.exact("de") == ""


def test_a_less_than_sign_in_plain_text_is_accepted(app, event):
    data = filled(export_translations(event, "de"), {f"event.{event.id}.name": "Preis < 100 €"})
    import_translations(event, data)
    db.session.commit()
    db.session.expire_all()
    assert event.name.exact("de") == "Preis < 100 €"


def test_a_formula_refuses_the_file_naming_the_row(app, event):
    data = filled(export_translations(event, "de"), {f"event.{event.id}.name": "=1+1"})
    with pytest.raises(RowsRefused) as caught:
        import_translations(event, data)
    assert caught.value.details["rows"][0].line == 2


def test_a_key_given_twice_refuses_the_file(app, event):
    book = workbook(export_translations(event, "de"))
    book["translations"].append([f"event.{event.id}.name", "Otwarta Przestrzeń", "Zweimal"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(RowsRefused):
        import_translations(event, out.getvalue())


def test_a_file_that_is_not_a_workbook_is_refused(app, event):
    with pytest.raises(NotAWorkbook):
        import_translations(event, b"key,source,translation\n")


def test_a_broken_zip_is_refused(app, event):
    data = export_translations(event, "de")
    with pytest.raises(NotAWorkbook):
        import_translations(event, data[: len(data) // 2])


def test_a_zip_that_is_no_workbook_is_refused(app, event):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(NotAWorkbook):
        import_translations(event, out.getvalue())


def test_a_zip_bomb_is_refused_before_it_is_unpacked(app, event, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(FileTooLarge):
        import_translations(event, export_translations(event, "de"))


def test_a_file_over_the_size_limit_is_refused(app, event):
    with pytest.raises(FileTooLarge):
        import_translations(event, b"x" * (spreadsheet.MAX_FILE_BYTES + 1))


def test_another_events_file_is_refused(app, event, make_event):
    other = make_event(languages="pl,en,de")
    with pytest.raises(WrongEvent):
        import_translations(event, export_translations(other, "de"))


def test_a_file_for_a_language_the_event_no_longer_offers_is_refused(app, event):
    data = export_translations(event, "de")
    event.languages = "pl,en"
    db.session.commit()
    with pytest.raises(WrongLanguage):
        import_translations(event, data)


def test_a_file_without_the_hidden_sheet_is_refused(app, event):
    book = workbook(export_translations(event, "de"))
    del book["about"]
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(MissingMetadata):
        import_translations(event, out.getvalue())


def test_a_file_without_the_translation_column_is_refused(app, event):
    book = workbook(export_translations(event, "de"))
    book["translations"].protection.sheet = False
    book["translations"].delete_cols(3)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(MissingColumns):
        import_translations(event, out.getvalue())


def test_a_removed_language_keeps_its_texts_and_they_export_again_when_restored(app, event):
    data = filled(export_translations(event, "de"), {f"event.{event.id}.name": "Offener Raum"})
    import_translations(event, data)
    event.languages = "pl,en"
    db.session.commit()
    event.languages = "pl,en,de"
    db.session.commit()
    rows = rows_of(export_translations(event, "de"))
    assert rows[f"event.{event.id}.name"][1] == "Offener Raum"


def test_a_file_with_too_many_rows_is_refused(app, event, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 2)
    with pytest.raises(TooManyRows):
        import_translations(event, export_translations(event, "de"))


def test_a_number_typed_as_a_translation_is_stored_as_text(app, event):
    ticket = ticket_of(event)
    data = filled(export_translations(event, "de"), {f"ticket_type.{ticket.id}.name": 2026})
    import_translations(event, data)
    db.session.commit()
    db.session.expire_all()
    assert ticket_of(event).name.exact("de") == "2026"
