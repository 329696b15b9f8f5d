"""Speaker photos: only real images, bounded in size, re-encoded without metadata."""

from __future__ import annotations

import functools
import hashlib
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from conference.services import DomainError
from conference.services.images import ImageRefused, decode_upload, encode

#: Largest upload accepted, in bytes.
MAX_PHOTO_BYTES = 5 * 1024 * 1024
#: Largest image accepted, in pixels (refuses decompression bombs before decoding).
MAX_PHOTO_PIXELS = 40_000_000
#: Stored photos fit in this square.
PHOTO_SIZE = (800, 800)
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
#: Sub-folder of UPLOAD_FOLDER holding the photos.
PHOTO_FOLDER = "speakers"


class PhotoError(DomainError):
    code = "photo_invalid"


class PhotoTooLarge(PhotoError):
    code = "photo_too_large"


def _refuse() -> PhotoError:
    return PhotoError(_l("This file is not a JPEG, PNG, WebP or GIF image we can read."))


def photo_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / PHOTO_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_photo(data: bytes) -> str:
    """Check, resize and re-encode an uploaded photo as JPEG; returns its new file name.

    Only pixels are kept (``services.images``), so EXIF (location, camera) and other
    metadata are gone.
    """
    try:
        image = decode_upload(data, formats=ACCEPTED_FORMATS, max_bytes=MAX_PHOTO_BYTES,
                              max_pixels=MAX_PHOTO_PIXELS)
    except ImageRefused as refused:
        if refused.reason == "too_big":
            raise PhotoTooLarge(_l("The photo is larger than 5 MB.")) from refused
        if refused.reason == "too_many_pixels":
            raise PhotoTooLarge(_l("The photo has too many pixels.")) from refused
        raise _refuse() from refused
    jpeg = encode(image, mode="RGB", box=PHOTO_SIZE, format="JPEG", quality=85, optimize=True)
    name = f"{secrets.token_hex(16)}.jpg"
    (photo_folder() / name).write_bytes(jpeg)
    return name


def photo_path(name: str) -> Path | None:
    """The stored file of a photo name, or None when it is not one of ours."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = photo_folder() / name
    return path if path.is_file() else None


def photo_version(name: str) -> str | None:
    """A short hash of the stored photo's content; None when there is no such photo.

    It goes into the photo's public URL, so a new photo gets a new URL and the old one
    is never shown from a cache; a URL with the current version may be cached for good.
    """
    path = photo_path(name)
    if path is None:
        return None
    stat = path.stat()
    return _content_hash(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _content_hash(path: str, size: int, mtime_ns: int) -> str:
    # Keyed by size and modification time too, so a file written again is hashed again.
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:20]
