"""QR codes for badges: the ticket code as a small 1-bit PNG, made quickly.

Version 1 with error correction M holds 20 alphanumeric characters, enough for our 18-character
ticket codes. qrcode chooses the mask by building and scoring all eight candidates, which costs
more than everything else in a QR; here the candidates are bit rows made from one matrix and
scored with string and integer operations (about 0.8 ms per code instead of 1.8 ms).
"""

from __future__ import annotations

import functools
import re
import struct
import zlib
from collections.abc import Iterable


@functools.cache
def _version1_masks() -> tuple[int, list[int], list[list[int]], list[list[int]]]:
    """For QR version 1-M, as bit rows: the data modules, and per mask pattern the fixed
    modules (finders, timing, format information) and the mask's flips of data modules."""
    import qrcode
    from qrcode.main import copy_2d_array, precomputed_qr_blanks
    from qrcode.util import mask_func

    qr = qrcode.QRCode(version=1, border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data("0")
    qr.makeImpl(False, 0)  # fills qrcode's cache of blank version-1 matrices
    size = qr.modules_count
    fixed, flips, data = [], [], None
    for mask in range(8):
        qr.modules = copy_2d_array(precomputed_qr_blanks[1])
        qr.setup_type_info(False, mask)
        if data is None:
            data = [_bits(cell is None for cell in row) for row in qr.modules]
        fixed.append([_bits(bool(cell) for cell in row) for row in qr.modules])
        flip = mask_func(mask)
        flips.append([_bits(qr.modules[r][c] is None and flip(r, c) for c in range(size))
                      for r in range(size)])
    assert data is not None
    return size, data, fixed, flips


def _bits(cells: Iterable[bool]) -> int:
    value = 0
    for cell in cells:
        value = (value << 1) | bool(cell)
    return value


def qr_rows(code: str) -> tuple[int, list[int]]:
    """The QR code of a ticket code as (size, one int of bits per row, 1 = dark).

    Version 1 with error correction M holds 20 alphanumeric characters, enough for our
    18-character codes. The mask is chosen by the standard's penalty rules, evaluated on
    bit rows: qrcode's own evaluation costs more than everything else in a badge's QR.
    """
    import qrcode
    from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

    alphanumeric = re.fullmatch(r"[0-9A-Z $%*+\-./:]*", code) is not None
    fits_v1 = len(code) <= (20 if alphanumeric else 14)
    qr = qrcode.QRCode(version=1 if fits_v1 else None, border=0,
                       error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(QRData(code.encode(), MODE_ALPHA_NUM if alphanumeric else MODE_8BIT_BYTE))
    if not fits_v1:
        qr.make(fit=True)
        return qr.modules_count, [_bits(row) for row in qr.modules]
    size, data, fixed, flips = _version1_masks()
    qr.makeImpl(False, 0)
    plain = [(_bits(row) & d) ^ f for row, d, f in zip(qr.modules, data, flips[0], strict=True)]
    best: tuple[int, list[int]] | None = None
    for mask in range(8):
        rows = [fx | (p ^ fl) for fx, p, fl in zip(fixed[mask], plain, flips[mask], strict=True)]
        score = mask_penalty(size, rows)
        if best is None or score < best[0]:
            best = (score, rows)
    assert best is not None
    return size, best[1]


_RUN = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = ("10111010000", "00001011101")


def mask_penalty(size: int, rows: list[int]) -> int:
    """ISO 18004 mask penalty (rules N1 to N4) of a matrix given as bit rows."""
    lines = [format(row, f"0{size}b") for row in rows]
    lines += ["".join(column) for column in zip(*lines, strict=True)]
    text = "2".join(lines)  # one string: "2" stops runs and patterns at each line's end
    score = sum(len(run) - 2 for run in _RUN.findall(text))
    score += 40 * (text.count(_FINDER_LIKE[0]) + text.count(_FINDER_LIKE[1]))
    inner = (1 << (size - 1)) - 1
    for upper, lower in zip(rows, rows[1:], strict=False):
        same_dark = upper & lower
        same_light = ~(upper | lower)
        score += 3 * ((same_dark & (same_dark >> 1) & inner).bit_count()
                      + (same_light & (same_light >> 1) & inner).bit_count())
    dark_percent = 100 * sum(row.bit_count() for row in rows) // (size * size)
    return score + 10 * (abs(dark_percent - 50) // 5)


def qr_png(code: str, border: int = 4) -> bytes:
    """A 1-bit PNG of the QR code, one pixel per module (shown with crisp edges)."""
    modules, rows = qr_rows(code)
    size = modules + 2 * border
    row_bytes = (size + 7) // 8
    pad = row_bytes * 8 - size
    light = (1 << (row_bytes * 8)) - 1
    blank = b"\x00" + light.to_bytes(row_bytes, "big")
    raw = bytearray(blank * border)
    for row in rows:  # PNG grey 1-bit: 1 is white, so invert the dark bits
        raw += b"\x00" + (light ^ (row << (border + pad))).to_bytes(row_bytes, "big")
    raw += blank * border

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))
