"""Column types shared by the models."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from conference.content import LocalizedText


class UTCDateTime(TypeDecorator):
    """A timezone-aware instant, stored in UTC on every database.

    SQLite has no timezone support, so values are normalised to UTC on the way in
    and marked as UTC on the way out. Naive datetimes are refused: they are bugs.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def enum_column(enum_cls: type[enum.Enum]) -> sa.Enum:
    """A portable enum stored as its value in a VARCHAR (no native PostgreSQL type)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=max(len(m.value) for m in enum_cls) + 4,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class TranslatedText(TypeDecorator):
    """An organizer's text per language (``conference.content.LocalizedText``) in one TEXT
    column: a JSON object of language -> text, or a plain string for every language.

    A plain ``str`` may be assigned (code and tests do): it holds for every language.
    """

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return LocalizedText(value).to_db()

    def process_result_value(self, value, dialect):
        return LocalizedText.from_db(value)

    def coerce_compared_value(self, op, value):
        # ``column == "text"`` or ``column.contains("x")`` compares with the stored text.
        return sa.Text()
