"""Searching people: the search text folded like ``Registration.search_key`` (no case, no
diacritics), so every search of people (the organizers' list, the door, badges) finds
"Gęślą" for "gesla" on SQLite and PostgreSQL alike."""

from __future__ import annotations

import sqlalchemy as sa

from conference.folding import fold
from conference.models import Registration


def search_words(query: str, *, limit: int = 6) -> list[str]:
    """The folded words of a search (``folding.fold``: no case, no diacritics), as matched
    against ``Registration.search_key``; control characters separate words."""
    printable = "".join(ch if ch.isprintable() else " " for ch in query or "")
    return [word[:100] for word in fold(printable).split()][:limit]


def matches_search(words: list[str]) -> list[sa.ColumnElement[bool]]:
    """SQL conditions: every word occurs in the registration's folded search key."""
    return [Registration.search_key.contains(word, autoescape=True) for word in words]
