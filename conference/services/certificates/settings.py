"""An event's certificate settings: texts, signature, logo and the release rule.

Images are decoded with Pillow and written again as fresh PNGs, so nothing of an uploaded
file but its pixels reaches the PDF renderer (no SVG, no HTML, no polyglots).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from conference.content import LocalizedText, clean_text
from conference.extensions import db
from conference.models import CertificateSettings, Event, ReleaseRule
from conference.services.badges.core import logo_path as event_logo_path
from conference.services.certificates.errors import InvalidImage, InvalidRule
from conference.services.images import ImageRefused, decode_upload, encode

FOLDER = "certificates"
#: Largest upload accepted (bytes) and largest decoded image (pixels).
IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 25_000_000
#: Images are scaled down to fit this many pixels per side (print quality at A4 sizes).
IMAGE_STORED_SIDE = 1200
#: Most days or sessions a rule may ask for.
RULE_MAX = 100


def certificate_settings(event: Event) -> CertificateSettings:
    """The event's settings row (made, not flushed, with defaults when there is none)."""
    settings = db.session.execute(
        db.select(CertificateSettings).filter_by(event_id=event.id)).scalar_one_or_none()
    if settings is None:
        settings = CertificateSettings(event_id=event.id, event=event, title=LocalizedText(),
                                       body=LocalizedText(), signer_name="",
                                       signer_role=LocalizedText(),
                                       rule=ReleaseRule.CHECKED_IN, rule_minimum=1)
    return settings


def _upload_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _stored(name: str | None) -> Path | None:
    if not name:
        return None
    path = _upload_root() / FOLDER / Path(name).name
    return path if path.is_file() else None


def signature_path(settings: CertificateSettings) -> Path | None:
    return _stored(settings.signature_filename)


def logo_path(settings: CertificateSettings) -> Path | None:
    """The certificate's own logo, else the event's (badge) logo, else None."""
    return _stored(settings.logo_filename) or event_logo_path(settings.event)


def clean_image(data: bytes) -> bytes:
    """A real PNG or JPEG, within the size limits, re-encoded as a fresh PNG.

    Raises InvalidImage with a message for the form otherwise.
    """
    try:
        image = decode_upload(data, formats={"PNG", "JPEG"}, max_bytes=IMAGE_MAX_BYTES,
                              max_pixels=IMAGE_MAX_PIXELS)
    except ImageRefused as refused:
        if refused.reason == "too_big":
            raise InvalidImage(str(_l("The image is larger than 5 MB."))) from refused
        if refused.reason == "too_many_pixels":
            raise InvalidImage(str(_l("The image has too many pixels (at most 25 million).")))\
                from refused
        raise InvalidImage(str(_l("This file is not a PNG or JPEG image we can read."))) \
            from refused
    return encode(image, mode="RGBA", box=(IMAGE_STORED_SIDE, IMAGE_STORED_SIDE),
                  format="PNG", optimize=True)


def save_certificate_settings(event: Event, *, title: LocalizedText, body: LocalizedText,
                              signer_name: str, signer_role: LocalizedText, rule: ReleaseRule,
                              rule_minimum: int, signature: bytes | None = None,
                              remove_signature: bool = False, logo: bytes | None = None,
                              remove_logo: bool = False) -> CertificateSettings:
    """Store the settings. Every image is checked before anything changes: a bad upload
    raises InvalidImage (``details["field"]`` names it) and nothing is saved or written."""
    if not isinstance(rule, ReleaseRule) or not 1 <= rule_minimum <= RULE_MAX:
        raise InvalidRule(str(_l("Choose a rule and a number from 1 to %(max)d.", max=RULE_MAX)))
    cleaned = {}
    for field, data in (("signature", signature), ("logo", logo)):
        if data:
            try:
                cleaned[field] = clean_image(data)
            except InvalidImage as error:
                raise InvalidImage(error.message, field=field) from error
    settings = certificate_settings(event)
    settings.title = clean_text(title)
    settings.body = clean_text(body)
    settings.signer_name = signer_name.strip()
    settings.signer_role = clean_text(signer_role)
    settings.rule = rule
    settings.rule_minimum = 1 if rule is ReleaseRule.CHECKED_IN else rule_minimum
    settings.signature_filename = _replace(settings.signature_filename, cleaned.get("signature"),
                                           remove_signature, f"signature-{event.id}")
    settings.logo_filename = _replace(settings.logo_filename, cleaned.get("logo"), remove_logo,
                                      f"logo-{event.id}")
    db.session.add(settings)
    db.session.flush()
    return settings


def _replace(current: str | None, new_png: bytes | None, remove: bool, prefix: str) -> str | None:
    if new_png is None and not remove:
        return current
    old = _stored(current)
    name = None
    if new_png is not None:
        folder = _upload_root() / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{prefix}-{secrets.token_hex(8)}.png"
        (folder / name).write_bytes(new_png)
    if old is not None:
        old.unlink(missing_ok=True)
    return name
