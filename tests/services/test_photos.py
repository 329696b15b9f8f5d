"""Speaker photos: real images only, resized, re-encoded, metadata stripped."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from conference.services.cfp import photos
from tests.fixtures.cfp import image_bytes


def _stored(app, name) -> Image.Image:
    path = photos.photo_path(name)
    return Image.open(io.BytesIO(path.read_bytes()))


def test_photo_is_reencoded_as_jpeg_and_resized(app):
    name = photos.store_photo(image_bytes("PNG", size=(2000, 1000)))
    image = _stored(app, name)
    assert image.format == "JPEG"
    assert max(image.size) == 800


def test_exif_metadata_is_stripped(app):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (50.0, 3.0, 0.0)}  # GPS
    name = photos.store_photo(image_bytes("JPEG", exif=exif.tobytes()))
    image = _stored(app, name)
    assert not image.getexif()
    assert b"SecretCam" not in photos.photo_path(name).read_bytes()


def test_text_file_renamed_jpg_is_refused(app):
    with pytest.raises(photos.PhotoError):
        photos.store_photo(b"hello, I am not a picture\n" * 10)


def test_truncated_png_is_refused(app):
    data = image_bytes("PNG", size=(300, 300))
    with pytest.raises(photos.PhotoError):
        photos.store_photo(data[: len(data) // 2])


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming huge dimensions (a decompression bomb's header)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 100)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(
        b"IEND", b"")


def test_decompression_bomb_is_refused_before_decoding(app):
    with pytest.raises(photos.PhotoTooLarge):
        photos.store_photo(_png_header_only(30000, 30000))


def test_oversized_file_is_refused(app):
    with pytest.raises(photos.PhotoTooLarge):
        photos.store_photo(b"\xff" * (photos.MAX_PHOTO_BYTES + 1))


def test_unsupported_image_format_is_refused(app):
    with pytest.raises(photos.PhotoError):
        photos.store_photo(image_bytes("BMP"))


def test_photo_path_refuses_names_outside_the_folder(app):
    assert photos.photo_path("../secret_key") is None
    assert photos.photo_path("") is None
