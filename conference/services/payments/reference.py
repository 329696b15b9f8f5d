"""Transfer references: short, human-typable, random, with a check character.

A reference looks like ``LSOS-7K4M-Q9``: the prefix, five random characters and one check
character, from an alphabet without look-alikes (no 0/O, 1/I/L). The check character is a
weighted sum modulo 31 (a prime, the alphabet's size), so any single wrong character and any
swap of two neighbours is detected. ``normalise_reference`` finds a reference inside a bank
transfer's title however the payer typed it (lower case, spaces, missing dashes).
"""

from __future__ import annotations

import re
import secrets

#: Upper-case letters and digits without look-alikes (0/O, 1/I/L): 31 characters.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#: Starts every reference, so that it can be found inside a longer transfer title.
PREFIX = "LSOS"
#: Random characters per reference: 31**5, about 28.6 million per event.
BODY_LENGTH = 5
_VALUES = {char: index for index, char in enumerate(ALPHABET)}


def check_character(body: str) -> str:
    """The check character of ``body`` (characters of ``ALPHABET``)."""
    total = sum((position + 1) * _VALUES[char] for position, char in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def format_reference(code: str) -> str:
    """``7K4MQ9`` (body + check) → ``LSOS-7K4M-Q9``."""
    return f"{PREFIX}-{code[:4]}-{code[4:]}"


def random_reference() -> str:
    """A new random reference (not checked for uniqueness: see ``orders.new_reference``)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_reference(body + check_character(body))


def is_valid(code: str) -> bool:
    """Whether ``code`` (body + check character, no prefix) has a matching check character."""
    return (len(code) == BODY_LENGTH + 1 and all(char in _VALUES for char in code)
            and check_character(code[:-1]) == code[-1])


def normalise_reference(text: str) -> str | None:
    """The reference written somewhere in ``text``, in its canonical form, or None.

    Ignores case, spaces, dashes and other punctuation, and the words around it:
    ``"Oplata lsos 7k4m q9 Jan Kowalski"`` → ``"LSOS-7K4M-Q9"``. Only a candidate whose check
    character matches is returned, so a typo gives None rather than somebody else's order.
    """
    compact = re.sub(r"[^0-9A-Z]", "", (text or "").upper())
    start = compact.find(PREFIX)
    while start != -1:
        code = compact[start + len(PREFIX):start + len(PREFIX) + BODY_LENGTH + 1]
        if is_valid(code):
            return format_reference(code)
        start = compact.find(PREFIX, start + 1)
    return None
