"""The translator's spreadsheet: one sheet of key, source and translation, and a hidden,
protected sheet saying which event and language the file is for.

Reading is defensive: the file is someone's upload. Its size, its unpacked size and its
number of rows are limited before openpyxl parses it (with defusedxml), formulas and error
cells are refused, and nothing here touches the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, Protection

from conference.models import Event
from conference.services import DomainError

FORMAT = "lso-translations-1"
SHEET = "translations"
META_SHEET = "about"
COLUMNS = ("key", "source", "translation")
#: Limits of an upload: the file, what it unpacks to, its rows and one text.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_ROWS = 20_000
MAX_TEXT_CHARS = 20_000


class TranslationFileError(DomainError):
    """The file cannot be used; nothing was changed."""

    code = "translation_file_invalid"


class FileTooLarge(TranslationFileError):
    code = "file_too_large"


class NotAWorkbook(TranslationFileError):
    code = "not_xlsx"


class MissingMetadata(TranslationFileError):
    code = "missing_metadata"


class WrongEvent(TranslationFileError):
    code = "wrong_event"


class WrongLanguage(TranslationFileError):
    code = "wrong_language"


class MissingColumns(TranslationFileError):
    code = "missing_columns"


class TooManyRows(TranslationFileError):
    code = "too_many_rows"


@dataclasses.dataclass(frozen=True)
class SheetRow:
    """One row of the uploaded sheet, as text; ``problem`` says why it cannot be used."""

    line: int
    key: str
    source: str
    translation: str
    problem: str = ""


@dataclasses.dataclass(frozen=True)
class TranslationFile:
    language: str
    rows: list[SheetRow]


def write_workbook(event: Event, language: str, rows: list[tuple[str, str, str]], *,
                   now: dt.datetime) -> bytes:
    """The spreadsheet for ``language``: ``rows`` of (key, source, translation)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for key, source, translation in rows:
        sheet.append([_cell_text(key), _cell_text(source), _cell_text(translation)])
        line = sheet.max_row
        for column in (1, 2, 3):
            cell = sheet.cell(row=line, column=column)
            cell.data_type = "s"  # "=..." is text here, never a formula
            cell.alignment = wrap
        sheet.cell(row=line, column=3).protection = Protection(locked=False)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 60
    sheet.freeze_panes = "A2"
    # Key and source are locked (no password: this prevents slips, it is no security).
    sheet.protection.sheet = True
    sheet.protection.formatCells = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    meta = workbook.create_sheet(META_SHEET)
    for name, value in (("format", FORMAT), ("event", event.slug), ("event_id", str(event.id)),
                        ("language", language), ("source_language", event.language),
                        ("exported_at", now.isoformat(timespec="seconds"))):
        meta.append([name, value])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def read_workbook(event: Event, data: bytes) -> TranslationFile:
    """The rows of an uploaded spreadsheet for ``event``; TranslationFileError when the
    file is not one (too large, not XLSX, another event's, a language the event does not
    have, columns missing). Rows with a formula, HTML or an over-long text are returned
    with their ``problem``."""
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLarge(str(_l("The file is larger than %(mb)d MB.",
                                  mb=MAX_FILE_BYTES // (1024 * 1024))))
    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for broken files
        raise NotAWorkbook(_not_a_workbook()) from error
    try:
        meta = _metadata(workbook)
        _check_metadata(event, meta)
        if SHEET not in workbook.sheetnames:
            raise MissingColumns(str(_l("The file has no sheet named “%(name)s”.",
                                        name=SHEET)))
        rows = _rows(workbook[SHEET])
    finally:
        workbook.close()
    return TranslationFile(language=meta["language"], rows=rows)


def _not_a_workbook() -> str:
    return str(_l("This is not an Excel workbook (.xlsx), or the file is damaged."))


def _check_archive(data: bytes) -> None:
    """Refuse what is not a ZIP archive, or one that would unpack to too much."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise NotAWorkbook(_not_a_workbook()) from error
    if (len(members) > MAX_ZIP_MEMBERS
            or sum(member.file_size for member in members) > MAX_UNPACKED_BYTES):
        raise FileTooLarge(str(_l("The file unpacks to too much data.")))


def _metadata(workbook) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        raise MissingMetadata(_not_ours())
    meta = {}
    for row in workbook[META_SHEET].iter_rows(min_row=1, max_row=20, max_col=2,
                                             values_only=True):
        if row and row[0] is not None:
            meta[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    if meta.get("format") != FORMAT:
        raise MissingMetadata(_not_ours())
    return meta


def _not_ours() -> str:
    return str(_l("This file was not downloaded from this page (its hidden sheet “%(name)s” "
                  "is missing or changed). Download a new file and copy the translations "
                  "into it.", name=META_SHEET))


def _check_metadata(event: Event, meta: dict[str, str]) -> None:
    if meta.get("event") != event.slug or meta.get("event_id") != str(event.id):
        raise WrongEvent(str(_l("This file is for another event (%(other)s).",
                                other=meta.get("event", "?")[:60])))
    language = meta.get("language", "")
    if language not in event.content_languages or language == event.language:
        raise WrongLanguage(str(_l(
            "This file is for a language this event does not offer for translation "
            "(%(code)s).", code=language[:10] or "?")))


def _rows(sheet) -> list[SheetRow]:
    iterator = sheet.iter_rows()
    header = next(iterator, None)
    positions = _header_positions(header or ())
    rows = []
    for line, cells in enumerate(iterator, start=2):
        if line - 1 > MAX_ROWS:
            raise TooManyRows(str(_l("The file has more than %(count)d rows.",
                                     count=MAX_ROWS)))
        values, problem = {}, ""
        for name, index in positions.items():
            cell = cells[index] if index < len(cells) else None
            text, cell_problem = _cell_value(cell, translation=(name == "translation"))
            values[name] = text
            problem = problem or cell_problem
        if not any(values.values()):
            continue  # an empty line
        rows.append(SheetRow(line=line, key=values["key"].strip(), source=values["source"],
                             translation=values["translation"], problem=problem))
    return rows


def _header_positions(header) -> dict[str, int]:
    names = [str(cell.value).strip().casefold() if cell.value is not None else ""
             for cell in header]
    positions = {}
    for column in COLUMNS:
        matches = [i for i, name in enumerate(names) if name == column]
        if matches:
            positions[column] = matches[0]
    missing = [column for column in COLUMNS if column not in positions]
    if missing:
        raise MissingColumns(str(_l("The first row must name the columns key, source and "
                                    "translation; missing: %(names)s.",
                                    names=", ".join(missing))))
    return positions


HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|<\s*/?\s*[a-zA-Z]+[\s/]")


def _cell_value(cell, *, translation: bool) -> tuple[str, str]:
    """The cell's text, and the reason it is refused (empty when it is fine)."""
    if cell is None or cell.value is None:
        return "", ""
    if cell.data_type == "f":
        return "", str(_l("Formulas are not accepted; type the text itself."))
    if cell.data_type == "e":
        return "", str(_l("The cell holds a spreadsheet error."))
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        value = value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if not translation:
        return text, ""
    if len(text) > MAX_TEXT_CHARS:
        return text[:100], str(_l("The translation is longer than %(count)d characters.",
                                  count=MAX_TEXT_CHARS))
    if HTML_TAG.search(text):
        return text, str(_l("HTML is not accepted in translations; type plain text "
                            "(Markdown where the original uses it)."))
    return text, ""
