"""A 64-bit perceptual "difference hash" (dHash), for suggesting that two photos show the same thing.

Each bit says whether a cell of a 9x8 greyscale reduction is brighter than its left neighbour, so the
hash survives re-encoding, resizing and small colour changes but not a different picture. Two photos
whose hashes differ in few bits (`hamming_distance` below about 10) probably show the same scene.
"""

from __future__ import annotations

from PIL import Image

HASH_BITS = 64
_WIDTH, _HEIGHT = 9, 8


def difference_hash(image: Image.Image) -> str:
    """The dHash of an (already orientation-corrected) image, as 16 lowercase hex digits."""
    small = image.convert("L").resize((_WIDTH, _HEIGHT), Image.Resampling.LANCZOS)
    pixels = small.tobytes()
    value = 0
    for row in range(_HEIGHT):
        for column in range(_WIDTH - 1):
            left = pixels[row * _WIDTH + column]
            right = pixels[row * _WIDTH + column + 1]
            value = (value << 1) | (right > left)
    return f"{value:016x}"


def _as_int(value: str | int) -> int:
    number = int(value, 16) if isinstance(value, str) else value
    if not 0 <= number < 1 << HASH_BITS:
        raise ValueError(f"not a {HASH_BITS}-bit hash: {value!r}")
    return number


def hamming_distance(a: str | int, b: str | int) -> int:
    """How many of the 64 bits differ between two hashes (hex strings or ints): 0 is identical."""
    return (_as_int(a) ^ _as_int(b)).bit_count()
