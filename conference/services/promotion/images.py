"""Hero images and partner logos: only real raster images, bounded, re-encoded.

An upload is decoded with Pillow and written again from its pixels alone, so nothing of the
original file (SVG with script, HTML, a polyglot, EXIF location) reaches a browser. Stored
names are random and new for every upload: a URL with the name may be cached for good.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image

from conference.services.images import ImageRefused, decode_upload
from conference.services.promotion import PromotionError

#: Largest upload accepted, in bytes.
MAX_IMAGE_BYTES = 5 * 1024 * 1024
#: Largest image accepted, in pixels (refuses decompression bombs before decoding).
MAX_IMAGE_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
#: Sub-folder of UPLOAD_FOLDER holding the images of this module.
IMAGE_FOLDER = "promotion"
#: Hero images fit in this box (wide enough for a sharing card, 1200 x 630 at least).
HERO_SIZE = (1920, 1080)
#: Partner logos fit in this box.
LOGO_SIZE = (600, 300)


class InvalidImage(PromotionError):
    code = "image_invalid"


class ImageTooLarge(InvalidImage):
    code = "image_too_large"


def image_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / IMAGE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _refuse() -> InvalidImage:
    return InvalidImage(str(_l("This file is not a JPEG, PNG, WebP or GIF image we can read.")))


def _decode(data: bytes) -> Image.Image:
    """The upload's pixels, fully decoded, upright; refuses anything else."""
    try:
        return decode_upload(data, formats=ACCEPTED_FORMATS, max_bytes=MAX_IMAGE_BYTES,
                             max_pixels=MAX_IMAGE_PIXELS)
    except ImageRefused as refused:
        if refused.reason == "too_big":
            raise ImageTooLarge(str(_l("The image is larger than 5 MB."))) from refused
        if refused.reason == "too_many_pixels":
            raise ImageTooLarge(str(_l("The image has too many pixels."))) from refused
        raise _refuse() from refused


def _write(image: Image.Image, suffix: str, prefix: str, **options) -> str:
    output = io.BytesIO()
    image.save(output, **options)
    name = f"{prefix}-{secrets.token_hex(12)}.{suffix}"
    (image_folder() / name).write_bytes(output.getvalue())
    return name


def store_hero(data: bytes) -> str:
    """Check and store a hero image as JPEG; returns its new file name."""
    image = _decode(data).convert("RGB")
    image.thumbnail(HERO_SIZE)
    return _write(image, "jpg", "hero", format="JPEG", quality=85, optimize=True,
                  progressive=True)


def store_logo(data: bytes) -> str:
    """Check and store a partner logo as PNG (keeps transparency); returns its file name."""
    image = _decode(data).convert("RGBA")
    image.thumbnail(LOGO_SIZE)
    return _write(image, "png", "logo", format="PNG", optimize=True)


def image_path(name: str | None) -> Path | None:
    """The stored file of an image name, or None when it is not one of ours."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = Path(current_app.config["UPLOAD_FOLDER"]) / IMAGE_FOLDER / name
    return path if path.is_file() else None


def delete_image(name: str | None) -> None:
    """Remove a stored image (after the row no longer names it)."""
    path = image_path(name)
    if path is not None:
        path.unlink(missing_ok=True)


def replace_hero(event, data: bytes | None = None, remove: bool = False) -> None:
    """Store a new hero image for ``event`` (or remove it); the old file goes. The image is
    checked before anything changes. The caller commits."""
    if not data and not remove:
        return
    new_name = store_hero(data) if data else None
    old = event.hero_filename
    event.hero_filename = new_name
    delete_image(old)
