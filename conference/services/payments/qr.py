"""Payment QR codes that banking apps read, as PNG images.

* ``zbp_payload``: the Polish banks' "2D" code (Związek Banków Polskich recommendation of
  2013-12-03): nine pipe-separated fields ``NIP|PL|account (26 digits)|amount in grosze
  (6 digits)|recipient (max 20)|title (max 32)|||`` (the last three reserved, empty), UTF-8,
  error correction L. PLN only, at most 9 999,99 zł.
* ``epc_payload``: the European Payments Council's "GiroCode" (EPC069-12), a SEPA credit
  transfer: ``BCD``, version ``002``, character set ``1`` (UTF-8), ``SCT``, BIC, name (max
  70), IBAN, ``EUR`` + amount, purpose, structured reference, remittance text (max 140),
  one per line, error correction M. EUR only.
"""

from __future__ import annotations

import struct
import zlib
from decimal import Decimal

import qrcode
import qrcode.constants

from conference.services.payments.methods import PaymentInstructions

#: The ZBP format's largest amount: six digits of grosze.
ZBP_MAX_GROSZE = 999_999


def _field(text: str, length: int) -> str:
    """One field: no separators or line breaks, cut to ``length`` characters."""
    return " ".join(text.replace("|", " ").split())[:length]


def zbp_payload(instructions: PaymentInstructions) -> str | None:
    """The ZBP "2D" text for a PLN transfer to a Polish account, or None when it cannot
    carry this payment (another currency or country, or an amount over 9 999,99)."""
    grosze = int(instructions.amount * 100)
    if (instructions.currency != "PLN" or not instructions.iban.startswith("PL")
            or not 0 < grosze <= ZBP_MAX_GROSZE):
        return None
    return "|".join([
        "",  # recipient's NIP: optional for a payment
        "PL",
        instructions.iban[2:],
        f"{grosze:06d}",
        _field(instructions.payee_name, 20),
        _field(instructions.reference, 32),
        "", "", "",  # reserved
    ])


def epc_payload(instructions: PaymentInstructions) -> str | None:
    """The EPC "GiroCode" text for a EUR transfer, or None for another currency."""
    if instructions.currency != "EUR" or not Decimal("0.01") <= instructions.amount <= Decimal(
            "999999999.99"):
        return None
    return "\n".join([
        "BCD", "002", "1", "SCT",
        instructions.bic,
        _field(instructions.payee_name, 70),
        instructions.iban,
        f"EUR{instructions.amount:.2f}",
        "",  # purpose code
        "",  # structured creditor reference (we use the unstructured text)
        _field(instructions.reference, 140),
    ])


def qr_png(payload: str, *, error_correction: int = qrcode.constants.ERROR_CORRECT_M,
           scale: int = 6, border: int = 4) -> bytes:
    """``payload`` as a black-and-white PNG, ``scale`` pixels per module."""
    code = qrcode.QRCode(error_correction=error_correction, border=border)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    rows = []
    for matrix_row in code.get_matrix():
        pixels = bytes(0 if dark else 255 for dark in matrix_row for _ in range(scale))
        rows.extend([b"\x00" + pixels] * scale)
    size = len(code.get_matrix()) * scale

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def payment_qr_png(instructions: PaymentInstructions, kind: str) -> bytes | None:
    """The ``zbp`` or ``epc`` code for these instructions as PNG, or None if it does not fit."""
    if kind == "zbp":
        payload = zbp_payload(instructions)
        level = qrcode.constants.ERROR_CORRECT_L
    elif kind == "epc":
        payload = epc_payload(instructions)
        level = qrcode.constants.ERROR_CORRECT_M
    else:
        return None
    return None if payload is None else qr_png(payload, error_correction=level)
