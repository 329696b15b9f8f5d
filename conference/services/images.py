"""Uploaded images (speaker photos, hero images, logos, signatures): only real raster images,
bounded, and kept as nothing but their pixels.

Every upload is checked the same way: its size in bytes, its format as Pillow reads it (not
its name or content type), its pixel count before decoding (decompression bombs), a full
``verify``, then a fresh decode. Callers re-encode the pixels (``encode``), so nothing of the
original file (SVG or HTML with script, a polyglot, EXIF location) is ever stored or served.
Each caller turns ``ImageRefused.reason`` into its own message.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

#: Formats a browser and WeasyPrint show; anything else (SVG, TIFF, PDF...) is refused.
RASTER_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UPLOAD_PIXELS = 40_000_000


class ImageRefused(Exception):
    """An upload that is not an image we keep; ``reason`` is ``too_big`` (bytes),
    ``too_many_pixels`` or ``unreadable`` (not an image, or not one of the formats)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def decode_upload(data: bytes, *, formats=RASTER_FORMATS, max_bytes: int = MAX_UPLOAD_BYTES,
                  max_pixels: int = MAX_UPLOAD_PIXELS) -> Image.Image:
    """The upload's pixels, fully decoded and turned upright; raises ImageRefused."""
    if len(data) > max_bytes:
        raise ImageRefused("too_big")
    if not data:
        raise ImageRefused("unreadable")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in formats:
                    raise ImageRefused("unreadable")
                width, height = probe.size
                if width * height > max_pixels:
                    raise ImageRefused("too_many_pixels")
                probe.verify()  # leaves the image unusable: decode a second time
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                return ImageOps.exif_transpose(image)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRefused("too_many_pixels") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageRefused("unreadable") from error


def encode(image: Image.Image, *, mode: str, box: tuple[int, int], format: str,
           **options) -> bytes:
    """``image`` converted to ``mode``, shrunk to fit ``box``, written as ``format``."""
    image = image.convert(mode)
    image.thumbnail(box)
    output = io.BytesIO()
    image.save(output, format=format, **options)
    return output.getvalue()
