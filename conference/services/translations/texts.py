"""Every organizer text of an event, found from the models' column types.

A text is addressed by a stable key ``<table>.<id>.<column>`` (``ticket_type.12.name``).
The columns are discovered from the mapped models (every ``TranslatedText`` column), so a
translated column added later is exported and imported without changing this module. A
model belongs to an event through its ``event_id`` column, or through a foreign key to a
table that has one (e.g. a question's options kept in their own table).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import sqlalchemy as sa

from conference.content import ANY_LANGUAGE, LocalizedText
from conference.extensions import db
from conference.models import Event
from conference.models.types import TranslatedText

#: Tables in the order an organizer meets them; tables added later follow alphabetically.
TABLE_ORDER = ("event", "ticket_type", "question", "room", "track", "session", "checkpoint",
               "cfp_settings", "review_criterion", "decision_template")


@dataclasses.dataclass(frozen=True)
class TranslatedColumn:
    """One translated column of one model."""

    model: type
    attribute: str

    @property
    def table(self) -> str:
        return self.model.__table__.name


@dataclasses.dataclass
class EventText:
    """One text of one of the event's rows."""

    key: str
    row: object
    attribute: str

    @property
    def value(self) -> LocalizedText:
        return LocalizedText(getattr(self.row, self.attribute))


def translated_columns() -> list[TranslatedColumn]:
    """Every ``TranslatedText`` column of every mapped model with a one-column primary key."""
    found = []
    for mapper in db.Model.registry.mappers:
        if len(mapper.primary_key) != 1 or mapper.primary_key[0].name != "id":
            continue
        for prop in mapper.column_attrs:
            if len(prop.columns) == 1 and isinstance(prop.columns[0].type, TranslatedText):
                found.append(TranslatedColumn(mapper.class_, prop.key))

    def order(column: TranslatedColumn):
        table = column.table
        rank = TABLE_ORDER.index(table) if table in TABLE_ORDER else len(TABLE_ORDER)
        position = list(column.model.__table__.columns.keys()).index(
            column.model.__mapper__.get_property(column.attribute).columns[0].key)
        return rank, table, position

    return sorted(found, key=order)


def _event_condition(model: type, event: Event):
    """The WHERE clause selecting ``model``'s rows of ``event``, or None when the model is
    not an event's content."""
    table = model.__table__
    if model is Event:
        return Event.id == event.id
    if "event_id" in table.c:
        return table.c.event_id == event.id
    for foreign_key in table.foreign_keys:
        parent = foreign_key.column.table
        if "event_id" in parent.c and parent is not table:
            return foreign_key.parent.in_(
                sa.select(foreign_key.column).where(parent.c.event_id == event.id))
    return None


def event_texts(event: Event, *, for_update: bool = False) -> Iterator[EventText]:
    """The event's texts, table by table in ``TABLE_ORDER``, rows by id. ``for_update``
    locks the rows (PostgreSQL) so that an import does not overwrite a concurrent edit
    half-way."""
    by_model: dict[type, list[str]] = {}
    for column in translated_columns():
        by_model.setdefault(column.model, []).append(column.attribute)
    for model, attributes in by_model.items():
        condition = _event_condition(model, event)
        if condition is None:
            continue
        query = db.select(model).where(condition).order_by(model.__table__.c.id)
        if for_update:
            query = query.with_for_update()
        table = model.__table__.name
        for row in db.session.execute(query).scalars():
            for attribute in attributes:
                yield EventText(f"{table}.{row.id}.{attribute}", row, attribute)


def source_text(text: LocalizedText, event: Event) -> str:
    """What a translator translates from: the text in the event's default language (else in
    another of its languages, else any value)."""
    return text.get(event.language, event.content_languages)


def own_translation(text: LocalizedText, language: str) -> str:
    """The value typed for ``language`` itself (an all-language value is no translation)."""
    return text.translations().get(language, "")


def with_translation(text: LocalizedText, language: str, value: str,
                     event: Event) -> LocalizedText:
    """``text`` with ``value`` for ``language``. An all-language value becomes the value of
    each of the event's other languages, so that they do not change."""
    values = text.translations()
    shared = values.pop(ANY_LANGUAGE, None)
    ordered: dict[str, str] = {}
    for code in event.content_languages:
        if values.get(code):
            ordered[code] = values.pop(code)
        elif shared:
            ordered[code] = shared
    ordered.update(values)  # languages the event no longer offers keep their texts
    ordered[language] = value
    return LocalizedText(ordered)
