"""The photo pipeline: check an uploaded photo, keep its original, make clean display copies.

`process_photo(data)` is what callers use: it runs `process_photo_sync` in a thread, at most
`PHOTO_CONCURRENCY` at a time per event loop, and returns a `ProcessedPhoto` or raises `PhotoRejected`
with a sentence for the user. Nothing here touches the database or the disk; `core.storage.PhotoStore`
writes the files.

What a processed photo is:
- the original, byte for byte, named by its SHA-256: evidence;
- a display copy (longest side `DISPLAY_SIZE`, never enlarged) and a thumbnail (`THUMBNAIL_SIZE`,
  made from the display copy), both upright (EXIF orientation applied), sRGB, alpha flattened onto
  white, encoded as baseline JPEG with no EXIF, GPS, XMP, ICC profile or comment;
- a perceptual hash of the upright picture, for suggesting matches.

A colour JPEG is decoded by libjpeg-turbo (through simplejpeg) already reduced, at one of its eighths
(1/8 to 8/8): when an eighth gives a longest side between `DISPLAY_MINIMUM` and `DISPLAY_SIZE`, that
decode is the display copy and nothing is resized (a 12 MP phone photo decodes at 3/8, 1512 x 1134);
otherwise it decodes at the smallest eighth still at least `DISPLAY_SIZE` and is resized to it. Other
JPEGs (greyscale, CMYK) are decoded by Pillow with `draft()` at the smallest 1/2, 1/4 or 1/8 that is
still at least the display size; the size asked of `draft()` keeps the photo's aspect ratio, as the
decoder only reduces when both sides allow it.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
from dataclasses import dataclass, field

import simplejpeg
from PIL import ExifTags, Image, ImageCms, ImageFile

from shopwatch.core.concurrency import LoopSemaphore
from shopwatch.incidents.photo_formats import (
    DAMAGED_MESSAGE,
    DECODE_ERRORS,
    MAX_PHOTO_BYTES,
    MAX_PHOTO_PIXELS,
    PhotoRejected,
    RejectReason,
    open_photo,
)
from shopwatch.incidents.photo_hash import difference_hash, hamming_distance

__all__ = [
    "DISPLAY_MINIMUM",
    "DISPLAY_SIZE",
    "MAX_PHOTOS_PER_INCIDENT",
    "MAX_PHOTO_BYTES",
    "MAX_PHOTO_PIXELS",
    "PHOTO_CONCURRENCY",
    "THUMBNAIL_SIZE",
    "PhotoRejected",
    "ProcessedPhoto",
    "RejectReason",
    "content_sha256",
    "draft_size",
    "fit_within",
    "hamming_distance",
    "jpeg_eighths",
    "process_photo",
    "process_photo_sync",
]

MAX_PHOTOS_PER_INCIDENT = 6  # enforced by the caller, which knows how many an incident has
DISPLAY_SIZE = 1600
# A display copy the JPEG decoder made directly may be this much smaller: "about 1600 px", unresized.
DISPLAY_MINIMUM = DISPLAY_SIZE * 9 // 10
THUMBNAIL_SIZE = 320
JPEG_QUALITY = 82
PHOTO_CONCURRENCY = os.cpu_count() or 2

# Resampling, chosen by measurement against a Lanczos resize of the full-size decode (bench/README.md).
# Hamming costs what bilinear does and keeps edges and lettering sharper. Large reductions (a 40 MP
# PNG) first shrink by a whole factor with a box filter while staying at least twice the target size,
# as Image.thumbnail() does. The thumbnail is mostly an exact box reduction of the display copy,
# finished with Lanczos for the remainder.
_DISPLAY_FILTER = Image.Resampling.HAMMING
_DISPLAY_REDUCING_GAP = 2.0
_THUMBNAIL_FILTER = Image.Resampling.LANCZOS
_THUMBNAIL_REDUCING_GAP = 1.0
_ROTATED_ORIENTATIONS = frozenset({5, 6, 7, 8})
# The same table ImageOps.exif_transpose uses, applied here to the reduced image.
_TRANSPOSE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class ProcessedPhoto:
    sha256: str  # of `original`, lowercase hex
    content_type: str  # of the original: image/jpeg, image/png, image/webp, image/heic (or image/heif)
    original: bytes = field(repr=False)
    display_jpeg: bytes = field(repr=False)
    thumbnail_jpeg: bytes = field(repr=False)
    width: int  # of the display copy, upright
    height: int
    thumbnail_width: int
    thumbnail_height: int
    original_width: int  # of the original, upright
    original_height: int
    perceptual_hash: str  # 64-bit dHash as 16 hex digits; compare with hamming_distance()
    decoded_width: int  # the size the original was decoded at (before orientation): reduced for a JPEG
    decoded_height: int

    @property
    def byte_size(self) -> int:
        return len(self.original)


def content_sha256(data: bytes) -> str:
    """The SHA-256 of a photo's bytes, lowercase hex: what names its files and finds it again."""
    return hashlib.sha256(data).hexdigest()


def fit_within(width: int, height: int, longest: int) -> tuple[int, int]:
    """(width, height) scaled so the longest side is at most `longest`, keeping the aspect ratio."""
    side = max(width, height)
    if side <= longest:
        return width, height
    return max(1, (width * longest + side // 2) // side), max(1, (height * longest + side // 2) // side)


def draft_size(width: int, height: int, longest: int) -> tuple[int, int] | None:
    """The size to ask `Image.draft()` for so a JPEG decodes as small as possible but not below
    `longest` on its longest side; None when the photo is already that small.

    Both sides are scaled by the same factor (rounded up), because the JPEG decoder picks the largest
    of 1/2, 1/4 and 1/8 that keeps *both* sides at least as big as asked: asking for a square would
    stop a 4:3 photo from being reduced at all.
    """
    side = max(width, height)
    if side <= longest:
        return None
    return -(-width * longest // side), -(-height * longest // side)


def _eighth_of(side: int, eighths: int) -> int:
    """A side as libjpeg-turbo decodes it at `eighths`/8 (rounded up)."""
    return -(-side * eighths // 8)


def jpeg_eighths(width: int, height: int) -> int:
    """The scale, in eighths, at which libjpeg-turbo should decode a JPEG for its display copy.

    The largest reduction whose longest side is still at least `DISPLAY_MINIMUM`, when that side is at
    most `DISPLAY_SIZE`: the decode is then the display copy. Otherwise the smallest reduction still at
    least `DISPLAY_SIZE`, resized afterwards; 8 (no reduction) for a photo already that small.
    """
    side = max(width, height)
    eighths = min(e for e in range(1, 9) if _eighth_of(side, e) >= min(side, DISPLAY_SIZE))
    if _eighth_of(side, eighths) > DISPLAY_SIZE and _eighth_of(side, eighths - 1) >= DISPLAY_MINIMUM:
        eighths -= 1
    return eighths


def _decode_colour_jpeg(data: bytes, width: int, height: int) -> Image.Image:
    """A colour JPEG decoded by libjpeg-turbo at `jpeg_eighths`, as an RGB image. A damaged or
    truncated file raises ValueError (strict decoding: libjpeg's warnings are errors)."""
    eighths = jpeg_eighths(width, height)
    size = (_eighth_of(width, eighths), _eighth_of(height, eighths))
    pixels = simplejpeg.decode_jpeg(
        data, colorspace="RGB", min_width=size[0], min_height=size[1], strict=True
    )
    image = Image.fromarray(pixels)
    if image.size != size:
        raise ValueError(f"decoded at {image.size}, expected {size}")
    return image


def _reject_damaged(error: BaseException) -> PhotoRejected:
    if isinstance(error, Image.DecompressionBombError):
        return PhotoRejected(
            f"The photo has too many pixels; the limit is {MAX_PHOTO_PIXELS // 1_000_000} megapixels.",
            reason=RejectReason.TOO_MANY_PIXELS,
        )
    return PhotoRejected(DAMAGED_MESSAGE, reason=RejectReason.DAMAGED)


def _check_size(data: bytes) -> None:
    if not data:
        raise PhotoRejected("The photo is empty.", reason=RejectReason.EMPTY)
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejected(
            f"The photo is {len(data) / (1024 * 1024):.1f} MB; the limit is "
            f"{MAX_PHOTO_BYTES // (1024 * 1024)} MB.",
            reason=RejectReason.TOO_LARGE,
        )


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1-8), 1 when absent or unreadable."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except DECODE_ERRORS:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _workable_mode(image: Image.Image) -> Image.Image:
    """The image in RGB, RGBA, L or CMYK: alpha kept where there is any, for flattening later."""
    mode = image.mode
    if mode in ("RGB", "RGBA", "L", "CMYK"):
        return image
    if mode.startswith("I;16") or mode == "I":
        # 16-bit greyscale: scale to 8 bits rather than clip everything above 255 to white.
        return image.convert("I").point(lambda value: value / 256).convert("L")
    if mode in ("1", "F"):
        return image.convert("L")
    if mode in ("LA", "La", "PA", "RGBa") or (mode == "P" and "transparency" in image.info):
        return image.convert("RGBA")
    return image.convert("RGB")


def _flatten_alpha(image: Image.Image) -> Image.Image:
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """RGB in sRGB: converted through the photo's ICC profile when it has one (an iPhone's Display P3,
    a CMYK print profile), otherwise taken as sRGB already. The profile itself is not kept."""
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            if not ImageCms.getProfileDescription(source).strip().startswith("sRGB"):
                converted = ImageCms.profileToProfile(
                    image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
                )
                if converted is not None:
                    return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unreadable or mismatched profile: fall back to a plain conversion
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode_jpeg(image: Image.Image) -> bytes:
    """A baseline JPEG (quicker to encode, and to decode on a cheap phone) carrying pixels only.
    Pillow would copy a comment from `info`, so that is cleared."""
    image.info.clear()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=False, optimize=False)
    return buffer.getvalue()


def process_photo_sync(data: bytes, sha256: str | None = None) -> ProcessedPhoto:
    """Check and process one uploaded photo; blocking and CPU-heavy, so call `process_photo` instead
    from async code. Raises PhotoRejected for anything that is not an acceptable photo. `sha256` is
    `content_sha256(data)` when the caller has worked it out already."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Pillow would then silently fill a cut-off photo with grey; evidence must be complete.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    data = bytes(data)
    _check_size(data)
    sha256 = sha256 or content_sha256(data)
    opened = open_photo(data)  # checks the pixel count from the header, before decoding
    image = opened.image
    header_size = image.size
    crop_box = None
    try:
        if opened.format == "JPEG" and image.mode == "RGB":
            pixels = _decode_colour_jpeg(data, *header_size)
        else:
            if opened.format == "JPEG":
                request = draft_size(*header_size, DISPLAY_SIZE)
                drafted = image.draft("RGB", request) if request else None
                if drafted is not None:
                    crop_box = drafted[1]  # the whole original's area within the reduced image
            image.load()  # all of the (reduced) image: a truncated file fails here
            pixels = image
    except DECODE_ERRORS as error:
        raise _reject_damaged(error) from error
    decoded_width, decoded_height = pixels.size
    # Full size before orientation: a JPEG's header's; else as decoded (libheif may crop).
    full_width, full_height = header_size if opened.format == "JPEG" else pixels.size
    orientation = _orientation(image)  # a JPEG's EXIF and profile are read with its header
    icc_profile = image.info.get("icc_profile")

    pixels = _workable_mode(pixels)
    if max(pixels.size) <= DISPLAY_SIZE and crop_box is None:
        display_size = pixels.size  # small enough already, or decoded at about the display size
    else:
        display_size = fit_within(full_width, full_height, DISPLAY_SIZE)
    if pixels.size != display_size or crop_box is not None:
        pixels = pixels.resize(
            display_size, _DISPLAY_FILTER, box=crop_box, reducing_gap=_DISPLAY_REDUCING_GAP
        )
    if pixels is not image:
        image.close()  # frees the decoded image (or the unread file) now rather than on return

    transpose = _TRANSPOSE_FOR_ORIENTATION.get(orientation)
    if transpose is not None:
        pixels = pixels.transpose(transpose)
    display = _to_srgb(_flatten_alpha(pixels), icc_profile)
    thumbnail = display.resize(
        fit_within(display.width, display.height, THUMBNAIL_SIZE),
        _THUMBNAIL_FILTER,
        reducing_gap=_THUMBNAIL_REDUCING_GAP,
    )
    rotated = orientation in _ROTATED_ORIENTATIONS
    return ProcessedPhoto(
        sha256=sha256,
        content_type=opened.content_type,
        original=data,
        display_jpeg=_encode_jpeg(display),
        thumbnail_jpeg=_encode_jpeg(thumbnail),
        width=display.width,
        height=display.height,
        thumbnail_width=thumbnail.width,
        thumbnail_height=thumbnail.height,
        original_width=full_height if rotated else full_width,
        original_height=full_width if rotated else full_height,
        perceptual_hash=difference_hash(thumbnail),
        decoded_width=decoded_width,
        decoded_height=decoded_height,
    )


_semaphore = LoopSemaphore(PHOTO_CONCURRENCY)


async def process_photo(data: bytes, sha256: str | None = None) -> ProcessedPhoto:
    """`process_photo_sync` in a worker thread, with at most PHOTO_CONCURRENCY photos decoding at once
    in this event loop, so many simultaneous uploads neither block the loop nor exhaust memory."""
    async with _semaphore():
        return await asyncio.to_thread(process_photo_sync, data, sha256)
