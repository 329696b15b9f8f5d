"""Text that organizers type (content), kept per language.

Interface strings live in the gettext catalogues; content (an event's name, a ticket type,
a question, a session title, an email text) is typed by organizers and so is stored with the
row, one value per language, as pretix does. A translated column holds a ``LocalizedText``:

- in the database it is one TEXT column (``conference.models.types.TranslatedText``): a
  JSON object ``{"pl": "...", "en": "..."}``, or a plain string, which means "the same in
  every language" (all rows written before languages existed, and texts typed in code);
- shown with ``str()`` (as Jinja does) it is the value in the page's language, else in the
  event's default language, else any value there is.

Why a JSON value in the row rather than a translation table: every translated text is read
with its row (no join or extra query per field, so pages keep a fixed number of queries),
a language removed from an event keeps its texts in the row (hidden, restorable), and the
column stays TEXT on both databases, so ``LIKE`` search matches any language (the JSON is
written without ``\\u`` escapes) and ``localized_sort`` orders by one language on both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from babel import Locale
from flask import current_app, g, has_app_context, has_request_context
from flask_babel import force_locale
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

#: Languages an event may offer content in: the interface's two, and those of the
#: cluster's partner regions (France, Germany, Spain, Latvia). Content in a language without
#: an interface catalogue is shown on the English pages' frame.
CONTENT_LANGUAGES = ("pl", "en", "de", "fr", "es", "lv")
#: The languages a new event offers, its default first.
DEFAULT_EVENT_LANGUAGES = ("pl", "en")
#: The key of a value that holds for every language (a plain string in the column).
ANY_LANGUAGE = ""


def language_name(code: str, in_language: str | None = None) -> str:
    """``pl`` -> "Polski" (in its own language), or in ``in_language`` when given."""
    try:
        locale = Locale.parse(code)
        return (locale.get_display_name(in_language or code) or code).capitalize()
    except (ValueError, TypeError):
        return code


class LocalizedText(str):
    """An organizer's text with a value per language (immutable).

    It is a ``str`` holding the value in the language current when it was made (in a request,
    the page's language), so code that treats it as text (joins, JSON, spreadsheets, regular
    expressions) keeps working; ``str()`` (and so every template) picks the language current
    at that moment, which is what an email rendered in its reader's language needs. Code that
    makes something for one person outside their request uses ``in_language`` (``localize``).
    """

    def __new__(cls, values: LocalizedText | Mapping[str, str] | str | None = None):
        if isinstance(values, LocalizedText):
            values = values._values
        elif values is None:
            values = {}
        elif isinstance(values, str):
            values = {ANY_LANGUAGE: values}
        data = {str(key): str(value) for key, value in values.items() if value is not None}
        text = super().__new__(cls, _pick(data, _shown_language(), request_fallbacks()))
        text._values = data
        return text

    # -- reading ------------------------------------------------------------------------
    def get(self, language: str | None, fallbacks: Iterable[str] = ()) -> str:
        """The value in ``language``, else in the first of ``fallbacks`` that has one, else
        the value for every language, else the first value there is (the event's default
        language is stored first), else ""."""
        return _pick(self._values, language, fallbacks)

    def exact(self, language: str) -> str:
        """The value typed for ``language`` (a plain, all-language value counts), no fallback."""
        return self._values.get(language) or self._values.get(ANY_LANGUAGE, "")

    def in_language(self, language: str | None, default: str | None = None) -> str:
        """The value for a reader of ``language`` in an event whose default is ``default``."""
        return self.get(language, [default] if default else ())

    def translations(self) -> dict[str, str]:
        """A copy of the stored values (``""`` is the all-language value)."""
        return dict(self._values)

    def languages(self) -> list[str]:
        return [code for code, value in self._values.items() if code and value]

    def missing(self, languages: Iterable[str]) -> list[str]:
        """Of ``languages``, those without their own value, when the text has any value."""
        if not any(self._values.values()):
            return []
        return [code for code in languages if not self.exact(code)]

    # -- changing -----------------------------------------------------------------------
    def replace_language(self, language: str, value: str) -> LocalizedText:
        """A copy with ``value`` for ``language``; an all-language value becomes the other
        languages' own values so that they do not change."""
        values = dict(self._values)
        shared = values.pop(ANY_LANGUAGE, None)
        if shared and language:
            for code in _languages_for_shared_value():
                values.setdefault(code, shared)
        values[language] = value
        return LocalizedText(values)

    # -- storage ------------------------------------------------------------------------
    def to_db(self) -> str:
        values = _non_empty(self._values)
        if not values:
            return ""
        if set(values) == {ANY_LANGUAGE} and not values[ANY_LANGUAGE].startswith("{"):
            return values[ANY_LANGUAGE]
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_db(cls, stored: str | None) -> LocalizedText:
        if not stored:
            return cls()
        if stored.startswith("{"):
            try:
                data = json.loads(stored)
            except ValueError:
                data = None
            if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
                return cls(data)
        return cls(stored)

    # -- shown in the language of the moment ----------------------------------------------
    def __str__(self) -> str:
        return self.get(_shown_language(), request_fallbacks())

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __bool__(self) -> bool:
        return any(self._values.values())

    def __eq__(self, other) -> bool:
        if isinstance(other, LocalizedText):
            return _non_empty(self._values) == _non_empty(other._values)
        return str.__eq__(self, other)

    def __ne__(self, other) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = str.__hash__

    def __reduce__(self):
        return (LocalizedText, (self._values,))

    def __repr__(self) -> str:
        return f"LocalizedText({self._values!r})"


def _pick(values: Mapping[str, str], language: str | None, fallbacks: Iterable[str]) -> str:
    for code in (language, *fallbacks):
        if code and values.get(code):
            return values[code]
    if values.get(ANY_LANGUAGE):
        return values[ANY_LANGUAGE]
    return next((value for value in values.values() if value), "")


def _non_empty(values: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in values.items() if value}


def _languages_for_shared_value() -> list[str]:
    if has_request_context() and g.get("content_languages"):
        return list(g.content_languages)
    return list(DEFAULT_EVENT_LANGUAGES)


def current_language() -> str | None:
    """The language of the page or email being made (Flask-Babel's locale), if any."""
    if not has_app_context():
        return None
    if not has_request_context():
        # A worker or the CLI: the language an email forces (``force_locale``), else none.
        # Asking Flask-Babel here would fix the app context's locale for good.
        forced = getattr(g.get("_flask_babel"), "babel_locale", None)
        return forced.language if forced is not None else None
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else None


def _shown_language() -> str | None:
    """The language a text is shown in now: the page's, unless the request's event does not
    offer it (a language taken out of the event keeps its texts, hidden: the page shows
    the event's default instead)."""
    language = current_language()
    if has_request_context() and g.get("content_languages") and language not in \
            g.content_languages:
        return None
    return language


def request_fallbacks() -> list[str]:
    """The event's default language, when this request is about one event."""
    if has_request_context() and g.get("content_default_language"):
        return [g.content_default_language]
    return []


def use_event_languages(event) -> None:
    """Mark the current request as one about ``event``: its texts fall back to the event's
    default language, and translated form fields offer the event's languages."""
    if has_request_context():
        g.content_default_language = event.language
        g.content_languages = event.content_languages


def languages_for_forms() -> list[str]:
    """The languages translated form fields show: the request's event's, else the default."""
    if has_request_context() and g.get("content_languages"):
        return list(g.content_languages)
    return list(DEFAULT_EVENT_LANGUAGES)


def localize(value, language: str | None, default: str | None = None) -> str:
    """``value`` for a reader of ``language``: a LocalizedText in that language (falling back
    to ``default``), anything else as text. For emails, badges and files made for a person."""
    if isinstance(value, LocalizedText):
        return value.in_language(language, default)
    return "" if value is None else str(value)


def clean_text(value) -> LocalizedText:
    """A translated value with each language's text stripped (a plain string: all languages)."""
    text = LocalizedText(value)
    return LocalizedText({code: part.strip() for code, part in text.translations().items()})


def text_in_languages(languages: Iterable[str], make) -> LocalizedText:
    """A name the system creates (the speakers' ticket type, the main entrance) in each of
    ``languages``, the first being the default: ``make()`` (a gettext call, or a lazy
    string) is evaluated with each language forced."""
    values = {}
    for code in languages:
        with force_locale(code):
            values[code] = str(make() if callable(make) else make)
    return LocalizedText(values)


def add_missing_languages(text: LocalizedText, languages: Iterable[str],
                          make) -> LocalizedText | None:
    """``text`` (a name the system created from ``make``) with values for the ``languages``
    it lacks, when the organizers have not renamed it (every value it has is still the
    system's own); None when nothing is to change."""
    languages = list(languages)
    values = LocalizedText(text).translations()
    if set(values) == {ANY_LANGUAGE} and languages:
        # Made before events had several languages: in the event's default language.
        values = {languages[0]: values[ANY_LANGUAGE]}
    if not values or ANY_LANGUAGE in values:
        return None
    if any(value != text_in_languages([code], make).exact(code)
           for code, value in values.items()):
        return None  # renamed by the organizers: theirs to translate
    missing = [code for code in languages if not values.get(code)]
    if not missing:
        return None
    values.update(text_in_languages(missing, make).translations())
    return LocalizedText(values)


def content_language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in CONTENT_LANGUAGES]


def configured_content_languages() -> tuple[str, ...]:
    if has_app_context():
        return tuple(current_app.config.get("CONTENT_LANGUAGES", CONTENT_LANGUAGES))
    return CONTENT_LANGUAGES


# -- SQL: order by one language on both databases ------------------------------------------
class _LocalizedValue(FunctionElement):
    """The value of a translated column in one language (with the all-language value and the
    stored text as fallbacks), as an SQL expression for ORDER BY."""

    type = sa.Text()
    inherit_cache = True
    name = "localized_value"


@compiles(_LocalizedValue, "sqlite")
def _compile_sqlite(element, compiler, **kw):
    column, language = list(element.clauses)
    col = compiler.process(column, **kw)
    lang = compiler.process(language, **kw)
    return (f"CASE WHEN substr({col}, 1, 1) = '{{' THEN coalesce(json_extract({col}, '$.\"' || "
            f"{lang} || '\"'), json_extract({col}, '$.\"\"'), {col}) ELSE {col} END")


@compiles(_LocalizedValue)
def _compile_default(element, compiler, **kw):
    column, language = list(element.clauses)
    col = compiler.process(column, **kw)
    lang = compiler.process(language, **kw)
    return (f"CASE WHEN left({col}, 1) = '{{' THEN coalesce(CAST({col} AS json) ->> {lang}, "
            f"CAST({col} AS json) ->> '', {col}) ELSE {col} END")


def localized_sort(column, language: str | None = None) -> ColumnElement:
    """An ORDER BY expression for a translated ``column`` in ``language`` (the page's)."""
    language = language or current_language() or DEFAULT_EVENT_LANGUAGES[0]
    return sa.func.lower(_LocalizedValue(column, sa.literal(language, sa.Text())))
