"""Which photos we accept, decided by their bytes, and opening them without decoding a single pixel.

Only JPEG, PNG, WebP and HEIC/HEIF are accepted. The format comes from the file's magic bytes, never
from its name or declared content type. Each format is opened with its Pillow plugin class directly
rather than through `Image.open`, so that the size limit is checked by us, from the header, before any
pixel memory is allocated: `Image.open` would otherwise emit `DecompressionBombWarning`s (a warning,
not an error) for images between Pillow's own limit and twice it, and the WebP plugin allocates its
whole canvas while opening.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

import pillow_heif
from PIL import Image, ImageFile, JpegImagePlugin, PngImagePlugin, WebPImagePlugin
from pillow_heif.as_plugin import HeifImageFile

# Registered once, at import, so that Pillow anywhere in the process can read iPhone photos.
pillow_heif.register_heif_opener()

MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
ACCEPTED_FORMATS_TEXT = "JPEG, PNG, WebP or HEIC"


class RejectReason(StrEnum):
    EMPTY = "EMPTY"
    TOO_LARGE = "TOO_LARGE"  # more than MAX_PHOTO_BYTES
    TOO_MANY_PIXELS = "TOO_MANY_PIXELS"  # more than MAX_PHOTO_PIXELS, or a decompression bomb
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"  # not JPEG, PNG, WebP or HEIC (by its bytes)
    DAMAGED = "DAMAGED"  # truncated or corrupt
    TOO_MANY_PHOTOS = "TOO_MANY_PHOTOS"  # for callers enforcing MAX_PHOTOS_PER_INCIDENT
    OTHER = "OTHER"


class PhotoRejected(Exception):
    """A photo we will not store; `message` is a sentence to show the person who sent it."""

    def __init__(self, message: str, *, reason: RejectReason = RejectReason.OTHER) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


DAMAGED_MESSAGE = "The photo could not be read: the file may be damaged or incomplete."

# Errors Pillow and pillow-heif raise for bytes they cannot parse or decode.
DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    TypeError,
    KeyError,
    RuntimeError,
    struct.error,
    Image.DecompressionBombError,
)


@dataclass(frozen=True)
class PhotoFormat:
    name: str
    content_type: str
    accepts: Callable[[bytes], bool]
    opener: Callable[[IO[bytes]], ImageFile.ImageFile]


def _is_jpeg(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff"


def _is_png(data: bytes) -> bool:
    return data[:8] == b"\x89PNG\r\n\x1a\n"


def _is_webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


# The brands pillow-heif opens (HEVC-coded HEIF); AVIF ("avif", "avis") is deliberately not among them.
HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)


def _is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS


def _open_jpeg(fp: IO[bytes]) -> ImageFile.ImageFile:
    # The JPEG class, not Pillow's jpeg_factory: a multi-picture (MPO) file from a camera or an Android
    # phone is then read as its first picture, an ordinary JPEG that draft() can reduce.
    return JpegImagePlugin.JpegImageFile(fp)


FORMATS = (
    PhotoFormat("JPEG", "image/jpeg", _is_jpeg, _open_jpeg),
    PhotoFormat("PNG", "image/png", _is_png, PngImagePlugin.PngImageFile),
    PhotoFormat("WEBP", "image/webp", _is_webp, WebPImagePlugin.WebPImageFile),
    PhotoFormat("HEIF", "image/heic", _is_heif, HeifImageFile),
)


def _named_unsupported_format(data: bytes) -> str | None:
    """A name for the common things people send that are not accepted photos, for a clearer message."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:2] == b"BM" and data[6:10] == b"\0\0\0\0":
        return "BMP"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if data[:5] == b"%PDF-":
        return "PDF"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "AVIF"
    if b"<svg" in head or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower()):
        return "SVG"
    return None


def detect_format(data: bytes) -> PhotoFormat:
    """The accepted format the bytes are in; PhotoRejected if they are in none of them."""
    for photo_format in FORMATS:
        if photo_format.accepts(data):
            return photo_format
    named = _named_unsupported_format(data)
    if named is not None:
        raise PhotoRejected(
            f"{named} files are not accepted: please send the photo as {ACCEPTED_FORMATS_TEXT}.",
            reason=RejectReason.UNSUPPORTED_FORMAT,
        )
    raise PhotoRejected(
        f"This file is not a photo in a format we accept: please send {ACCEPTED_FORMATS_TEXT}.",
        reason=RejectReason.UNSUPPORTED_FORMAT,
    )


def webp_canvas_size(data: bytes) -> tuple[int, int] | None:
    """The canvas size from a WebP header (simple lossy, lossless or extended), without decoding."""
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        height = int.from_bytes(data[28:30], "little") & 0x3FFF
        return width, height
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def check_pixel_count(size: tuple[int, int]) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise PhotoRejected(DAMAGED_MESSAGE, reason=RejectReason.DAMAGED)
    if width * height > MAX_PHOTO_PIXELS:
        megapixels = width * height / 1_000_000
        shown = (
            f"{megapixels:.1f}"
            if round(megapixels, 1) > MAX_PHOTO_PIXELS / 1_000_000
            else f"{megapixels:.3f}"
        )
        raise PhotoRejected(
            f"The photo is {width} x {height} pixels ({shown} megapixels); "
            f"the limit is {MAX_PHOTO_PIXELS // 1_000_000} megapixels.",
            reason=RejectReason.TOO_MANY_PIXELS,
        )


@dataclass(frozen=True)
class OpenedPhoto:
    image: ImageFile.ImageFile
    format: str
    content_type: str


def open_photo(data: bytes) -> OpenedPhoto:
    """The photo opened (header read, no pixels decoded), or PhotoRejected.

    The pixel limit is checked here, from the header, before the caller decodes anything.
    """
    photo_format = detect_format(data)
    if photo_format.name == "WEBP":
        size = webp_canvas_size(data)
        if size is None:
            raise PhotoRejected(DAMAGED_MESSAGE, reason=RejectReason.DAMAGED)
        check_pixel_count(size)
    try:
        image = photo_format.opener(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise PhotoRejected(
            f"The photo has too many pixels; the limit is {MAX_PHOTO_PIXELS // 1_000_000} megapixels.",
            reason=RejectReason.TOO_MANY_PIXELS,
        ) from error
    except DECODE_ERRORS as error:
        raise PhotoRejected(DAMAGED_MESSAGE, reason=RejectReason.DAMAGED) from error
    check_pixel_count(image.size)
    content_type = photo_format.content_type
    if photo_format.name == "HEIF" and not (image.get_format_mimetype() or "").startswith("image/heic"):
        content_type = "image/heif"  # the generic brand (mif1/msf1): HEVC-coded HEIF, not "heic" proper
    return OpenedPhoto(image, photo_format.name, content_type)
