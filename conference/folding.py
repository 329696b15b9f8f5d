"""One way to compare people's names: case- and diacritic-insensitive search keys.

"Gęślą", "GESLA" and "gesla" fold to the same text, so a search typed without Polish
letters (a door phone's keyboard, a hurried organizer) finds the person. The database
stores the folded key (``Registration.search_key``) and queries fold the search text the
same way, so SQLite and PostgreSQL agree whatever their collations do with non-ASCII text.
"""

from __future__ import annotations

import unicodedata

#: Letters that carry no combining mark under NFKD (a stroke or a ligature), in lower case.
_NO_DECOMPOSITION = str.maketrans({
    "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "ı": "i", "ŀ": "l",
    "æ": "ae", "œ": "oe", "þ": "th", "ß": "ss", "ſ": "s", "ƶ": "z", "ȥ": "z",
})


def fold(text: str) -> str:
    """``text`` in lower case without diacritics: NFKD, combining marks dropped, case
    folded, and the letters that do not decompose mapped (ł -> l, ø -> o, ß -> ss ...)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().translate(_NO_DECOMPOSITION)


#: Longest search key in UTF-8 bytes: folding may expand text (NFKD turns "㍿" into "株式会社"),
#: and a PostgreSQL B-tree index refuses entries beyond about 2,700 bytes.
MAX_KEY_BYTES = 2000


def person_search_key(*parts: str) -> str:
    """The folded search key of a person: the given parts (name, organisation, email)
    joined by spaces, folded, with runs of white space made single, at most
    ``MAX_KEY_BYTES`` long in UTF-8 (and so at most that many characters)."""
    key = " ".join(fold(" ".join(p for p in parts if p)).split())
    return key.encode()[:MAX_KEY_BYTES].decode(errors="ignore")
