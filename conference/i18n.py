"""Languages, and dates and times shown in the event's timezone for the reader's locale."""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, get_locale, gettext, refresh

from conference.content import language_name

#: Names of the languages offered in the header switch, in their own language.
LANGUAGE_NAMES = {"en": "English", "pl": "Polski"}
#: Cookie remembering the header switch's choice beyond the browser session.
LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
#: Formatting conventions per language: English pages use British ones (24-hour clock,
#: day before month), as the conference's European audience expects.
FORMAT_LOCALES = {"en": "en_GB"}


def select_locale() -> str:
    """The language named in the URL (``?lang=pl``: shared links and hreflang alternates
    name their language; for that request only), else the one chosen in this browser (the
    header switch, or a person's choice on their private page), else the language of the
    person whose private page this is (opened from an email on a new device, say), else the
    browser's preference."""
    if not has_request_context():  # CLI and workers: emails force their own locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    for chosen in (request.args.get("lang"), session.get("lang"),
                   request.cookies.get(LANGUAGE_COOKIE), g.get("person_language")):
        if chosen in languages:
            return chosen
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def use_person_language(language: str | None) -> None:
    """Show the current page in the language of the person it belongs to (an attendee's or
    speaker's private page), unless this browser chose a language."""
    if has_request_context() and language:
        g.person_language = language
        refresh()


def remember_browser_language(response, language: str):
    """This browser shows ``language`` from now on (session and long-lived cookie), as the
    header switch does."""
    session["lang"] = language
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_AGE, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _zone(tz: ZoneInfo | str | None) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    if tz is None:
        return ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
    if hasattr(tz, "tz"):  # an Event
        return tz.tz
    return ZoneInfo(str(tz))


def format_locale() -> str:
    """The locale whose conventions format dates, times and numbers on this page."""
    language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return FORMAT_LOCALES.get(language, language)


def format_local_datetime(value: dt.datetime | None, tz=None, fmt: str = "medium") -> str:
    """An instant shown in ``tz`` (an Event, a ZoneInfo or a name) for the current locale."""
    if value is None:
        return ""
    return babel_dates.format_datetime(value, fmt, tzinfo=_zone(tz), locale=format_locale())


def format_local_time(value: dt.datetime | None, tz=None, fmt: str = "short") -> str:
    if value is None:
        return ""
    return babel_dates.format_time(value, fmt, tzinfo=_zone(tz), locale=format_locale())


def format_local_date(value: dt.date | dt.datetime | None, tz=None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(_zone(tz)).date()
    return babel_dates.format_date(value, fmt, locale=format_locale())


def format_date_range(start: dt.date, end: dt.date) -> str:
    """``12–13 May 2026`` in the current locale."""
    if start == end:
        return babel_dates.format_date(start, "long", locale=format_locale())
    return babel_dates.format_interval(start, end, "yMMMMd", locale=format_locale())


def format_number(value) -> str:
    return babel_numbers.format_decimal(value, locale=format_locale())


#: A currency code or symbol ending in a letter next to a digit ("PLN250.00", "250.00PLN").
_LETTER_AGAINST_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def format_money(amount, currency: str) -> str:
    """An amount in the page's language: "250,00 zł" in Polish, "PLN 250.00" in English.

    Babel leaves out CLDR's currency spacing, so a currency code would touch the digits
    ("PLN250.00"); a no-break space goes between them, as CLDR prescribes.
    """
    text = babel_numbers.format_currency(amount, currency, locale=format_locale())
    return _LETTER_AGAINST_DIGIT.sub("\u00a0", text)


def format_price(ticket_type) -> str:
    """A ticket type's price, or "free" when it costs nothing."""
    if not ticket_type.price:
        return gettext("free")
    return format_money(ticket_type.price, ticket_type.currency)


def country_name(code: str | None, language: str | None = None) -> str:
    """The name of an ISO 3166-1 country code in ``language`` (default: the page's);
    an unknown code is shown as it is."""
    if not code:
        return ""
    language = language or str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return _territories(language).get(code.upper(), code)


@functools.lru_cache(maxsize=8)
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def init_app(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        localdatetime=format_local_datetime,
        localtime=format_local_time,
        localdate=format_local_date,
        number=format_number,
        money=format_money,
        price=format_price,
        country=country_name,
    )
    app.jinja_env.globals.update(
        format_date_range=format_date_range,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        get_locale=get_locale,
        language_name=language_name,
    )
