"""The Polish catalogue: complete, up to date with the English source, and faithful to what
is not language (placeholders, markup, addresses, code names).

English is the source (``_()``, ``_l()``, ``ngettext``, ``pgettext``, ``{% trans %}`` ...).
After adding or changing an English string: run ``make messages``, translate the new or
fuzzy entries in ``conference/translations/pl/LC_MESSAGES/messages.po``, then
``make translations``.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
POLISH = ROOT / "conference" / "translations" / "pl" / "LC_MESSAGES" / "messages.po"
HOW_TO_FIX = ("Run `make messages`, then translate these entries in "
              "conference/translations/pl/LC_MESSAGES/messages.po (and remove `#, fuzzy`).")

#: ``%(name)s``, ``%(n)d``, ``%s`` and ``%%``: what Python's ``%`` operator fills in.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^()]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
#: ``{name}`` as filled in by ``str.format`` and the decision-email templates.
BRACE_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
#: What must reach the reader untranslated.
NOT_LANGUAGE = {
    "HTML tag": re.compile(r"</?[a-zA-Z][^<>]*>"),
    "URL": re.compile(r"https?://[^\s)]+"),
    "email address": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "code name": re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"),
    "hex colour": re.compile(r"#[0-9a-fA-F]{6}\b"),
    "timezone": re.compile(r"\b(?:Africa|America|Asia|Atlantic|Europe|Pacific)/\w+"),
    "Markdown emphasis": re.compile(r"\*+"),
    "Markdown link": re.compile(r"\]\("),
}


@pytest.fixture(scope="module")
def catalogue():
    with open(POLISH, "rb") as file:
        return read_po(file, locale="pl")


def _messages(catalogue):
    """Every entry but the header."""
    return [message for message in catalogue if message.id]


def _label(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}|{msgid}" if message.context else msgid


def _forms(message) -> list[tuple[str, str]]:
    """(English, Polish) pairs: one, or one per plural form (each against the plural)."""
    if isinstance(message.id, tuple):
        return [(message.id[1], form) for form in message.string]
    return [(message.id, message.string)]


def _source_messages() -> set[tuple[str | None, str | tuple[str, ...]]]:
    """(context, msgid) of every string marked in the sources, as ``make messages`` sees
    them: the mapping in babel.cfg and the keywords in the Makefile."""
    makefile = (ROOT / "Makefile").read_text()
    extra = re.search(r"^BABEL_KEYWORDS\s*:=\s*(.+)$", makefile, re.MULTILINE)
    assert extra, "the Makefile lost BABEL_KEYWORDS"
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(extra.group(1).split())}
    with open(ROOT / "babel.cfg") as file:
        method_map, options_map = parse_mapping_cfg(file)
    sources = (str(ROOT / "conference"), str(ROOT / "templates"))
    found = set()
    for _filename, _line, msgid, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords,
        directory_filter=lambda path: path.startswith(sources),
    ):
        found.add((context, msgid))
    return found


def test_every_string_of_the_sources_is_in_the_polish_catalogue(catalogue):
    source = _source_messages()
    assert len(source) > 500  # the extraction really read the sources
    missing = []
    for context, msgid in sorted(source, key=str):
        singular = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalogue.get(singular, context)
        # A gettext("Speaker") shares the entry of ngettext("Speaker", "Speakers", n).
        if message is None or (message.id != msgid and isinstance(msgid, tuple)):
            missing.append(f"{context}|{msgid}" if context else str(msgid))
    assert not missing, f"{len(missing)} strings are not in the Polish catalogue: " \
        f"{missing[:10]}. {HOW_TO_FIX}"


def test_the_polish_catalogue_holds_no_string_the_sources_no_longer_use(catalogue):
    source = {(context, msgid[0] if isinstance(msgid, tuple) else msgid)
              for context, msgid in _source_messages()}
    stale = [_label(message) for message in _messages(catalogue)
             if (message.context, message.id[0] if isinstance(message.id, tuple)
                 else message.id) not in source]
    assert not stale, f"Stale entries: {stale[:10]}. Run `make messages`."


def test_every_polish_message_is_translated_and_none_is_fuzzy(catalogue):
    messages = _messages(catalogue)
    assert len(messages) > 500
    untranslated = [_label(m) for m in messages
                    if not all(polish.strip() for _english, polish in _forms(m))]
    fuzzy = [_label(m) for m in messages if m.fuzzy]
    assert not untranslated, f"Untranslated: {untranslated[:10]}. {HOW_TO_FIX}"
    assert not fuzzy, f"Fuzzy (check the translation): {fuzzy[:10]}. {HOW_TO_FIX}"


def test_polish_has_three_plural_forms_and_every_plural_message_fills_them(catalogue):
    assert catalogue.num_plurals == 3
    plural = gettext.c2py(catalogue.plural_expr)
    # one, few (2-4 except 12-14, also 22-24, 102-104 ...), many (the rest, 0 included)
    expected = {1: 0, 2: 1, 4: 1, 22: 1, 104: 1, 0: 2, 5: 2, 11: 2, 12: 2, 14: 2, 21: 2,
                25: 2, 111: 2, 112: 2}
    assert {n: plural(n) for n in expected} == expected
    plurals = [m for m in _messages(catalogue) if isinstance(m.id, tuple)]
    assert plurals
    assert all(len(m.string) == 3 for m in plurals), [_label(m) for m in plurals]


def test_every_polish_message_keeps_exactly_the_placeholders_of_its_english(catalogue):
    wrong = []
    for message in _messages(catalogue):
        for english, polish in _forms(message):
            for pattern in (PERCENT_PLACEHOLDER, BRACE_PLACEHOLDER):
                if Counter(pattern.findall(english)) != Counter(pattern.findall(polish)):
                    wrong.append((english, polish))
    assert not wrong, "Placeholders differ (the order may change, the names may not):\n" + \
        "\n".join(f"  {english!r}\n  {polish!r}" for english, polish in wrong)


def test_every_polish_message_can_be_filled_in_like_its_english(catalogue):
    """What the app does with a translation (``%`` with the named values, or
    ``str.format``) must not raise: no stray ``%`` or brace in the Polish text."""
    failures = []
    for message in _messages(catalogue):
        for english, polish in _forms(message):
            names = re.findall(r"%\(([^()]*)\)", english)
            try:
                if names or isinstance(message.id, tuple):
                    polish % {name: 7 for name in [*names, "num"]}
                braces = [b.strip("{}") for b in BRACE_PLACEHOLDER.findall(english)]
                if braces:
                    polish.format(**{name: "x" for name in braces})
            except (KeyError, ValueError, TypeError, IndexError) as error:
                failures.append(f"{polish!r}: {error!r}")
    assert not failures, "\n".join(failures)


def test_polish_messages_keep_markup_addresses_and_code_names(catalogue):
    wrong = []
    for message in _messages(catalogue):
        for english, polish in _forms(message):
            for kind, pattern in NOT_LANGUAGE.items():
                kept = Counter if kind.startswith(("HTML", "Markdown")) else set
                if kept(pattern.findall(english)) != kept(pattern.findall(polish)):
                    wrong.append(f"{kind}: {english!r} -> {polish!r}")
    assert not wrong, "\n".join(wrong)
