"""Export an event's texts for a translator, and import the translated file back.

Import rules (decided with the organizers' workflow in mind):

- A row is applied when its key is one of this event's texts, its translation is not empty
  and differs from the stored one, and its source still is the text the translator saw.
- A row whose source changed since the export is reported and *not* applied, unless the
  organizer ticks "apply them too" (the translation may no longer fit the new text).
- Unknown keys (a deleted ticket type, another event's row, a typo) are reported, never
  applied; empty translations are skipped and counted; nothing is dropped silently.
- A refused row (formula, HTML, too long, a key twice) refuses the whole file, naming the
  rows; so does any file-level problem. Everything is checked before anything is changed,
  and the changes are made in the caller's one transaction (all or nothing).
- HTML is refused rather than stored: texts are escaped on output, but Markdown fields
  (descriptions, abstracts, guidelines) must never gain raw HTML from a file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from flask_babel import lazy_gettext as _l

from conference.models import Event
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.translations.spreadsheet import (
    SheetRow,
    WrongLanguage,
    read_workbook,
    write_workbook,
)
from conference.services.translations.texts import (
    event_texts,
    own_translation,
    source_text,
    with_translation,
)


class RowsRefused(DomainError):
    """Some rows cannot be used (``details["rows"]``: the refused SheetRows); nothing changed."""

    code = "rows_refused"


@dataclasses.dataclass
class ImportReport:
    """What an import did (or, for a preview, would do)."""

    language: str
    applied: list[SheetRow] = dataclasses.field(default_factory=list)
    #: Rows whose source changed since the export: (row, the source now).
    source_changed: list[tuple[SheetRow, str]] = dataclasses.field(default_factory=list)
    #: Of ``source_changed``, whether they were applied too.
    changed_applied: bool = False
    unknown: list[SheetRow] = dataclasses.field(default_factory=list)
    unchanged: int = 0
    empty: int = 0
    preview: bool = False


def translatable_languages(event: Event) -> list[str]:
    """The languages a translator can translate this event into (all but the default)."""
    return [code for code in event.content_languages if code != event.language]


def export_translations(event: Event, language: str, *, now: dt.datetime | None = None) -> bytes:
    """The event's texts in ``language`` as an XLSX workbook (key, source, translation)."""
    if language not in translatable_languages(event):
        raise WrongLanguage(str(_l("Choose one of the event's other languages.")))
    rows = []
    for text in event_texts(event):
        value = text.value
        source = source_text(value, event)
        if source:
            rows.append((text.key, source, own_translation(value, language)))
    return write_workbook(event, language, rows, now=now or utcnow())


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def import_translations(event: Event, data: bytes, *, apply_changed_sources: bool = False,
                        preview: bool = False) -> ImportReport:
    """Check the uploaded workbook and store its translations (nothing when ``preview``).

    Raises a ``TranslationFileError`` for an unusable file and RowsRefused for unusable
    rows; then nothing is changed. The caller commits.
    """
    uploaded = read_workbook(event, data)
    language = uploaded.language
    refused = [row for row in uploaded.rows if row.problem]
    seen: dict[str, int] = {}
    for row in uploaded.rows:
        if row.key and row.key in seen and not row.problem:
            refused.append(dataclasses.replace(row, problem=str(_l(
                "The key is also on line %(line)d.", line=seen[row.key]))))
        seen.setdefault(row.key, row.line)
    if refused:
        raise RowsRefused(str(_l("Some rows cannot be used; nothing was changed.")),
                          rows=sorted(refused, key=lambda r: r.line))

    texts = {text.key: text for text in event_texts(event, for_update=not preview)}
    report = ImportReport(language=language, changed_applied=apply_changed_sources,
                          preview=preview)
    changes = []
    for row in uploaded.rows:
        text = texts.get(row.key)
        if text is None:
            report.unknown.append(row)
            continue
        translation = row.translation.strip()
        if not translation:
            report.empty += 1
            continue
        value = text.value
        if translation == own_translation(value, language):
            report.unchanged += 1
            continue
        current_source = source_text(value, event)
        if not _same_text(row.source, current_source):
            report.source_changed.append((row, current_source))
            if not apply_changed_sources:
                continue
        else:
            report.applied.append(row)
        changes.append((text, with_translation(value, language, translation, event)))
    if not preview:
        for text, new_value in changes:
            setattr(text.row, text.attribute, new_value)
    return report
