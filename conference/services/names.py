"""One rule for every person's name: registrations, guest imports, speakers, staff accounts.

A name may use any script (``Łukasz Żółkiewski-Wąsowicz``, ``O'Brien``, ``李小龙``): letters,
combining marks, spaces and the punctuation of real names. Markup (``<``, ``>``, ``&``),
formula starters (``=``, ``+``, ``@``), digits, emails and control characters are refused,
so a name is safe on badges, in exports and on public pages.
"""

from __future__ import annotations

import unicodedata

from conference.services import DomainError

#: Punctuation that appears in real names besides letters and spaces.
NAME_PUNCTUATION = frozenset(" -'’.,‐")


class InvalidName(DomainError):
    """A name is missing, too long or has characters a name does not have.

    ``details``: ``field`` (the caller's field name) and ``reason``: ``required``,
    ``too_long``, ``character`` (then ``character`` names it) or ``no_letters``.
    """

    code = "invalid_name"


def clean_person_name(value: str | None, *, field: str = "name", max_length: int = 200,
                      required: bool = True) -> str:
    """The name trimmed, inner whitespace collapsed, NFC-normalised; raises InvalidName.

    An empty name is returned as "" when ``required`` is False.
    """
    name = unicodedata.normalize("NFC", " ".join((value or "").split()))
    if not name:
        if required:
            raise InvalidName(f"{field} is required", field=field, reason="required")
        return ""
    if len(name) > max_length:
        raise InvalidName(f"{field} is too long", field=field, reason="too_long")
    for ch in name:
        category = unicodedata.category(ch)
        if not (category.startswith(("L", "M")) or ch in NAME_PUNCTUATION):
            raise InvalidName(f"{field} contains {ch!r}", field=field, reason="character",
                              character=ch)
    if not any(unicodedata.category(ch).startswith("L") for ch in name):
        raise InvalidName(f"{field} has no letters", field=field, reason="no_letters")
    return name
