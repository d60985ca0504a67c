"""The drawn signature: a PNG from the phone's canvas, decoded for real before it is kept."""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings

from PIL import Image

from shopwatch.core.errors import InvalidInput

FIELD = "signature.image"
MAX_BYTES = 200 * 1024
# A canvas on a phone, at up to 3 device pixels per CSS pixel: wide enough to sign in, never a photo.
MIN_SIDE = 60
MAX_WIDTH = 3000
MAX_HEIGHT = 1500
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_DATA_URL = re.compile(r"^data:image/png;base64,", re.IGNORECASE)


def decode_signature(image: str) -> bytes:
    """The PNG's bytes from a data URL (`data:image/png;base64,...`) or bare base64."""
    text = _DATA_URL.sub("", image.strip(), count=1)
    if text.startswith("data:"):
        raise InvalidInput(FIELD, "Send the signature as a PNG image.")
    # Base64 is 4/3 of the bytes: anything longer cannot be within the limit.
    if len(text) > (MAX_BYTES * 4) // 3 + 8:
        raise InvalidInput(FIELD, f"The signature image is over {MAX_BYTES // 1024} KB.")
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(FIELD, "The signature is not a base64 PNG image.") from None
    return check_signature(data)


def check_signature(data: bytes) -> bytes:
    """The bytes, if they are a whole PNG of sensible size with something drawn on it."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(FIELD, f"The signature image is over {MAX_BYTES // 1024} KB.")
    if not data.startswith(PNG_MAGIC):
        raise InvalidInput(FIELD, "Send the signature as a PNG image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != "PNG":
                    raise InvalidInput(FIELD, "Send the signature as a PNG image.")
                width, height = probe.size
                if not (MIN_SIDE <= width <= MAX_WIDTH and MIN_SIDE <= height <= MAX_HEIGHT):
                    raise InvalidInput(
                        FIELD,
                        f"The signature image must be between {MIN_SIDE} and {MAX_WIDTH} pixels wide "
                        f"and {MIN_SIDE} and {MAX_HEIGHT} high (this one is {width} by {height}).",
                    )
                probe.verify()
            # verify() leaves the image unusable; decode again to look at the pixels.
            with Image.open(io.BytesIO(data)) as image:
                blank = _is_blank(image)
    except InvalidInput:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InvalidInput(
            FIELD, f"The signature image must be at most {MAX_WIDTH} by {MAX_HEIGHT} pixels."
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise InvalidInput(FIELD, "The signature image is damaged or not a PNG.") from None
    if blank:
        raise InvalidInput(FIELD, "The signature is empty: sign in the box.")
    return data


def _is_blank(image: Image.Image) -> bool:
    """Nothing drawn: every pixel transparent, or every pixel the same colour."""
    rgba = image.convert("RGBA")
    if rgba.getchannel("A").getextrema()[1] == 0:
        return True
    flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat.alpha_composite(rgba)
    low, high = flat.convert("L").getextrema()
    return bool(low == high)


def signature_data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
