"""Badge fonts and text fitting: which font files, and how large a name may be set.

Widths come from the font's own advance widths (kerning only narrows text), so a fitted line
never overflows its box. Everything here depends on the fonts alone, never on a person.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

MM_TO_PT = 72 / 25.4
#: Fonts that cover Polish and the other European letters: Debian's DejaVu Sans first,
#: Roboto from the ``font-roboto`` PyPI package on machines without it.
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")


@functools.cache
def font_files() -> dict[str, Path]:
    """The regular and bold font files badges use (absolute paths)."""
    regular, bold = DEJAVU_DIR / "DejaVuSans.ttf", DEJAVU_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        return {"regular": regular, "bold": bold}
    try:
        import font_roboto
    except ImportError:  # pragma: no cover - pyproject installs font-roboto
        raise RuntimeError("no badge font: install fonts-dejavu-core or font-roboto") from None
    folder = Path(font_roboto.__file__).parent / "files"
    return {"regular": folder / "Roboto-Regular.ttf", "bold": folder / "Roboto-Bold.ttf"}


@functools.cache
def advances(weight: str) -> tuple[dict[int, float], float]:
    """Advance width of each character in em, and a safe width for characters not in the font."""
    from fontTools.ttLib import TTFont

    with TTFont(font_files()[weight]) as font:
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    return widths, max(widths.get(ord("M"), 1.0), 1.0)


def text_width_em(text: str, weight: str = "bold") -> float:
    """Width of ``text`` in em (kerning only narrows it, so this is an upper bound)."""
    widths, unknown = advances(weight)
    return sum(widths.get(ord(char), unknown) for char in text)


LINE_HEIGHT = 1.15
#: Room left for shaping differences between our measure and Pango's.
FIT_SAFETY = 0.95


def fit_text(text: str, width_mm: float, height_mm: float, *, max_pt: float,
             max_lines: int = 2, weight: str = "bold",
             preferred: list[str] | None = None) -> tuple[list[str], float]:
    """Split ``text`` into at most ``max_lines`` lines and pick the largest font size (pt) at
    which every line fits ``width_mm`` and all lines fit ``height_mm``; never overflows.

    ``preferred`` lines (first name / last name) win when nearly as large (90 %).
    """
    words = text.split()
    if not words:
        return [], max_pt
    width_pt = width_mm * MM_TO_PT * FIT_SAFETY
    height_pt = height_mm * MM_TO_PT * FIT_SAFETY

    def size_of(lines: list[str]) -> float:
        widest = max(text_width_em(line, weight) for line in lines)
        return min(max_pt, width_pt / widest if widest else max_pt,
                   height_pt / (len(lines) * LINE_HEIGHT))

    best: tuple[float, list[str]] = (0.0, words)
    for lines in _line_splits(words, max_lines):
        size = size_of(lines)
        if size > best[0] + 0.01:
            best = (size, lines)
    preferred = [" ".join(line.split()) for line in preferred or [] if line.strip()]
    if preferred and len(preferred) <= max_lines and " ".join(preferred) == " ".join(words):
        size = size_of(preferred)
        if size >= 0.9 * best[0]:
            best = (size, preferred)
    return best[1], round(best[0] - 0.05, 1)


def _line_splits(words: list[str], max_lines: int) -> Iterable[list[str]]:
    yield [" ".join(words)]
    count = len(words)
    if max_lines >= 2:
        for i in range(1, count):
            yield [" ".join(words[:i]), " ".join(words[i:])]
    if max_lines >= 3 and count <= 12:
        for i in range(1, count - 1):
            for j in range(i + 1, count):
                yield [" ".join(words[:i]), " ".join(words[i:j]), " ".join(words[j:])]
