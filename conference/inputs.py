"""Where outside input enters: URL segments, query strings, form values and JSON bodies.

Hostile bytes are refused here, once, before any view or database sees them (PostgreSQL
refuses NUL in text and integers beyond its range; time zone conversion overflows at the
ends of the calendar; deeply nested JSON exhausts the recursion limit):

- URL segments: the default string converter (and ``path``) refuses control characters,
  invalid UTF-8 and lone surrogates, so such a URL matches no route (404);
- query strings, form values, uploaded file names and JSON strings with NUL (or lone
  surrogates) are refused for the whole request with a 400 and a clear message;
- JSON bodies are parsed with a size and nesting limit and must be objects (``bad_json``);
  views read their fields through ``json_fields`` (a type per field);
- ``query_int`` parses integer query parameters within the database's range;
- ``parse_datetime`` and ``SANE_YEARS`` bound dates to years 1900-2200.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import PathConverter, UnicodeConverter, ValidationError

from conference.urls import MAX_DATABASE_ID

#: Years a date typed or sent to the system may have (time zone arithmetic and the
#: databases work far beyond them; years 1 and 9999 overflow when converted).
SANE_YEARS = range(1900, 2201)

#: Deepest nesting of arrays and objects in a JSON body.
MAX_JSON_DEPTH = 10

#: Largest JSON body (bytes); the offline sync of 2000 scans needs about 400 KB.
MAX_JSON_BYTES = 2 * 1024 * 1024

#: Characters no URL segment of ours contains: controls, U+FFFD (what invalid UTF-8
#: decodes to) and lone surrogates.
_URL_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ufffd\ud800-\udfff]")

#: Characters refused in any submitted value: NUL (PostgreSQL refuses it in text) and
#: lone surrogates (they cannot be encoded to UTF-8).
_VALUE_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")

_DIGITS = re.compile("[0-9]{1,10}")


class InputRefused(BadRequest):
    """A request refused for its input, with a ``reason`` code (JSON) and a message (pages)."""

    def __init__(self, reason: str, message):
        super().__init__(description=str(message))
        self.reason = reason
        self.message = message


def forbidden_characters() -> InputRefused:
    return InputRefused("forbidden_characters", _l(
        "The request contains control characters that are not allowed (such as a NUL "
        "byte). Please check what you entered and try again."))


def bad_json() -> InputRefused:
    return InputRefused("bad_json", _l("The request body is not a valid JSON object."))


class SafeStringConverter(UnicodeConverter):
    """The default ``<name>`` converter: a segment with control characters or invalid UTF-8
    matches no route, so ``/e/%00/`` is a 404 instead of a database error."""

    def to_python(self, value: str) -> str:
        if _URL_FORBIDDEN.search(value):
            raise ValidationError()
        return value


class SafePathConverter(PathConverter):
    """``<path:...>`` with the same refusal as ``SafeStringConverter``."""

    def to_python(self, value: str) -> str:
        if _URL_FORBIDDEN.search(value):
            raise ValidationError()
        return value


def has_forbidden_characters(value: str) -> bool:
    return bool(_VALUE_FORBIDDEN.search(value))


def _all_text(values: Iterable) -> Iterable[str]:
    for key, items in values:
        yield key
        yield from items


def refuse_forbidden_input() -> None:
    """Before every request: query strings, form values, file names and JSON bodies."""
    texts = _all_text(request.args.lists())
    if any(has_forbidden_characters(text) for text in texts):
        raise forbidden_characters()
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if request.is_json:
        if request.content_length and request.content_length > MAX_JSON_BYTES:
            raise RequestEntityTooLarge()
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise bad_json()
        if any(has_forbidden_characters(text) for text in _json_strings(data)):
            raise forbidden_characters()
        return
    texts = _all_text(request.form.lists())
    if any(has_forbidden_characters(text) for text in texts):
        raise forbidden_characters()
    for name, storage in request.files.items(multi=True):
        if has_forbidden_characters(name) or has_forbidden_characters(storage.filename or ""):
            raise forbidden_characters()


def _json_strings(data) -> Iterable[str]:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from item.keys()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def json_depth(data) -> int:
    """How deeply arrays and objects nest in ``data`` (without recursion)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (
                item.values() if isinstance(item, dict) else item))
    return deepest


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that reading refuses bodies nested deeper than
    ``MAX_JSON_DEPTH`` and numbers too long to convert: both raise ValueError, which
    Flask turns into a 400 (the standard parser raises RecursionError or worse)."""

    def loads(self, s, **kwargs):
        try:
            data = json.loads(s, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deeply") from error
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        return data


class FieldRefused(InputRefused):
    """A JSON field of the wrong type; ``reason`` is ``bad_<field>``."""

    def __init__(self, field: str):
        super().__init__(f"bad_{field}", _l("A field of the request has a wrong value."))


def json_fields(data: dict, spec: dict[str, type | tuple[type, ...]], *,
                max_length: int = 1000) -> dict:
    """The fields of ``spec`` present in ``data``, each checked against its type; a wrong
    one raises ``FieldRefused`` (``bad_<field>``). Strings are at most ``max_length``
    long, ``int`` never accepts a bool, ``dt.datetime`` reads an aware ISO 8601 string
    within ``SANE_YEARS``, ``object`` takes any value. Absent fields are absent from the result."""
    result = {}
    for field, expected in spec.items():
        if field not in data:
            continue
        value = data[field]
        types = expected if isinstance(expected, tuple) else (expected,)
        checked = _checked(value, types, max_length)
        if checked is _REFUSED:
            raise FieldRefused(field)
        result[field] = checked
    return result


_REFUSED = object()


def _checked(value, types: tuple[type, ...], max_length: int):
    for kind in types:
        if kind is object:  # any JSON value: the view judges it
            return value
        if kind is dt.datetime:
            parsed = parse_datetime(value) if isinstance(value, str) else None
            if parsed is not None and parsed.tzinfo is not None:
                return parsed
        elif kind is str:
            if isinstance(value, str) and len(value) <= max_length:
                return value
        elif kind is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        elif kind is type(None):
            if value is None:
                return None
        elif isinstance(value, kind):  # list, dict, bool
            return value
    return _REFUSED


def parse_datetime(value: str | None) -> dt.datetime | None:
    """An ISO 8601 date and time within ``SANE_YEARS`` (aware or naive), or None."""
    if not value or len(value) > 40:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if is_sane_date(parsed) else None


def is_sane_date(value: dt.date) -> bool:
    """Within ``SANE_YEARS``, so converting it to any time zone cannot overflow."""
    return value.year in SANE_YEARS


def parse_int(value: str | None, *, minimum: int = 0,
              maximum: int = MAX_DATABASE_ID) -> int | None:
    """``value`` as an integer between ``minimum`` and ``maximum`` (by default any id the
    database can hold), or None for anything else (``-1``, `` 1``, ``²``, ``2147483648``,
    5000 digits)."""
    if not value or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def query_int(name: str, *, minimum: int = 0, maximum: int = MAX_DATABASE_ID) -> int | None:
    """The query parameter ``name`` through ``parse_int``: None when absent or not such a
    number, so a list filter ignores it."""
    return parse_int(request.args.get(name), minimum=minimum, maximum=maximum)


def form_ids(name: str) -> list[int]:
    """The form values ``name`` that are database ids; the others are dropped."""
    return [number for number in (parse_int(v, minimum=1) for v in request.form.getlist(name))
            if number is not None]


def init_app(app: Flask) -> None:
    """Before the blueprints register their routes: they compile with these converters."""
    app.url_map.converters["default"] = SafeStringConverter
    app.url_map.converters["string"] = SafeStringConverter
    app.url_map.converters["path"] = SafePathConverter
    app.json = SafeJSONProvider(app)
    app.before_request(refuse_forbidden_input)
