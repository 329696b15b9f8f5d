"""Languages, and dates and times shown in the event's timezone for the reader's locale."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale

#: Names of the languages offered in the header switch, in their own language.
LANGUAGE_NAMES = {"en": "English", "pl": "Polski"}


def select_locale() -> str:
    """The language chosen in the header switch, else the browser's preference."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # services run from the CLI, workers and tests
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def _zone(tz: ZoneInfo | str | None) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    if tz is None:
        return ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
    if hasattr(tz, "tz"):  # an Event
        return tz.tz
    return ZoneInfo(str(tz))


def format_local_datetime(value: dt.datetime | None, tz=None, fmt: str = "medium") -> str:
    """An instant shown in ``tz`` (an Event, a ZoneInfo or a name) for the current locale."""
    if value is None:
        return ""
    return babel_dates.format_datetime(value, fmt, tzinfo=_zone(tz), locale=get_locale())


def format_local_time(value: dt.datetime | None, tz=None, fmt: str = "short") -> str:
    if value is None:
        return ""
    return babel_dates.format_time(value, fmt, tzinfo=_zone(tz), locale=get_locale())


def format_local_date(value: dt.date | dt.datetime | None, tz=None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(_zone(tz)).date()
    return babel_dates.format_date(value, fmt, locale=get_locale())


def format_date_range(start: dt.date, end: dt.date) -> str:
    """``12–13 May 2026`` in the current locale."""
    if start == end:
        return babel_dates.format_date(start, "long", locale=get_locale())
    return babel_dates.format_interval(start, end, "yMMMd", locale=get_locale())


def format_number(value) -> str:
    return babel_numbers.format_decimal(value, locale=get_locale())


def format_money(amount, currency: str) -> str:
    return babel_numbers.format_currency(amount, currency, locale=get_locale())


def init_app(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        localdatetime=format_local_datetime,
        localtime=format_local_time,
        localdate=format_local_date,
        number=format_number,
        money=format_money,
    )
    app.jinja_env.globals.update(
        format_date_range=format_date_range,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        get_locale=get_locale,
    )
