"""Test images made with Pillow: patterns whose orientation can be checked, photos with metadata,
decompression bombs, and the other kinds of file people send instead of a photo."""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pillow_heif
from PIL import ExifTags, Image, ImageCms, ImageDraw

pillow_heif.register_heif_opener()

RED = (255, 0, 0)
GREEN = (0, 255, 0)
BLUE = (0, 0, 255)
YELLOW = (255, 255, 0)
WHITE = (255, 255, 255)

# Where each quadrant of `quadrants()` is, as fractions of the width and height.
TOP_LEFT = (0.25, 0.25)
TOP_RIGHT = (0.75, 0.25)
BOTTOM_LEFT = (0.25, 0.75)
BOTTOM_RIGHT = (0.75, 0.75)


def quadrants(size: tuple[int, int] = (400, 300)) -> Image.Image:
    """Red top-left, green top-right, blue bottom-left, yellow bottom-right: every rotation and
    mirroring of it looks different."""
    width, height = size
    image = Image.new("RGB", size, RED)
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 2, 0, width, height // 2), fill=GREEN)
    draw.rectangle((0, height // 2, width // 2, height), fill=BLUE)
    draw.rectangle((width // 2, height // 2, width, height), fill=YELLOW)
    return image


def colour_at(image: Image.Image, where: tuple[float, float]) -> tuple[int, ...]:
    x, y = where
    pixel = image.convert("RGB").getpixel((int(image.width * x), int(image.height * y)))
    assert isinstance(pixel, tuple)
    return pixel


def close_to(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def scene(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A picture with large shapes and some texture; different seeds give very different pictures."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(25):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(width // 8, width // 2), y0 + rng.randrange(height // 8, height // 2)
        fill = tuple(rng.randrange(256) for _ in range(3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x0, y0, x1, y1), fill=fill)
    noise = Image.effect_noise(size, 12).convert("RGB")
    return Image.blend(image, noise, 0.1)


def gps_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF with a camera make, GPS coordinates (central Bristol) and optionally an orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 27.0, 15.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 35.0, 12.25)
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,27.25N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def encode(image: Image.Image, format: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **params)
    return buffer.getvalue()


def jpeg(image: Image.Image, quality: int = 90, **params: Any) -> bytes:
    return encode(image, "JPEG", quality=quality, **params)


def png(image: Image.Image, **params: Any) -> bytes:
    return encode(image, "PNG", **params)


def webp(image: Image.Image, **params: Any) -> bytes:
    return encode(image, "WEBP", **params)


def heic(image: Image.Image, **params: Any) -> bytes:
    return encode(image, "HEIF", **params)


def jpeg_segments(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(marker, payload) for every segment of a JPEG up to the start of the image data."""
    assert data[:2] == b"\xff\xd8"
    position = 2
    while position < len(data):
        assert data[position] == 0xFF
        marker = data[position + 1]
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        yield marker, data[position + 4 : position + 2 + length]
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return
        position += 2 + length


def with_jpeg_size(data: bytes, width: int, height: int) -> bytes:
    """A JPEG whose frame header claims another size: a decompression bomb from a tiny file."""
    position = 2
    while position < len(data):
        marker = data[position + 1]
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        if 0xC0 <= marker <= 0xC3:
            start = position + 5  # after marker, length and sample precision
            return data[:start] + struct.pack(">HH", height, width) + data[start + 4 :]
        position += 2 + length
    raise AssertionError("no frame header")


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bomb(width: int, height: int) -> bytes:
    """A valid one-colour, 1-bit PNG of any size: a few kilobytes that decode to width x height pixels."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte, then the packed bits
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def webp_header_claiming(width: int, height: int) -> bytes:
    """An extended-format WebP header whose canvas is width x height, with no image in it."""
    vp8x = bytes([0, 0, 0, 0]) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x
    return b"RIFF" + struct.pack("<I", len(body)) + body


def srgb_icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _s15_fixed16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz_tag(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + b"\0" * 4 + _s15_fixed16(x) + _s15_fixed16(y) + _s15_fixed16(z)


def swapped_primaries_icc_profile() -> bytes:
    """An RGB ICC profile (v2, matrix and gamma curves) whose red primary is sRGB's green and whose green
    is sRGB's red: a photo tagged with it and converted properly has its reds and greens swapped."""
    text = b"Swapped red and green"
    # textDescriptionType: ASCII count and text, then empty Unicode and ScriptCode descriptions.
    description = b"desc" + b"\0" * 4 + struct.pack(">I", len(text) + 1) + text + b"\0" + b"\0" * (8 + 3 + 67)
    tags = {
        b"desc": description,
        b"wtpt": _xyz_tag(0.9642, 1.0, 0.8249),
        b"rXYZ": _xyz_tag(0.3851, 0.7169, 0.0971),  # sRGB's green, D50
        b"gXYZ": _xyz_tag(0.4361, 0.2225, 0.0139),  # sRGB's red
        b"bXYZ": _xyz_tag(0.1431, 0.0606, 0.7141),
        b"rTRC": b"curv" + b"\0" * 4 + struct.pack(">IH", 1, int(2.2 * 256)) + b"\0\0",
    }
    tags[b"gTRC"] = tags[b"bTRC"] = tags[b"rTRC"]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table, data = b"", b""
    for signature, payload in tags.items():
        table += signature + struct.pack(">II", offset + len(data), len(payload))
        data += payload + b"\0" * (-len(payload) % 4)
    body = struct.pack(">I", len(tags)) + table + data
    header = (
        struct.pack(">I", 128 + len(body))
        + b"\0" * 4
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + b"\0" * 4
        + _s15_fixed16(0.9642)
        + _s15_fixed16(1.0)
        + _s15_fixed16(0.8249)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + body
