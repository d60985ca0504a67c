"""The photo pipeline: what is accepted, what is refused and why, and what comes out."""

from __future__ import annotations

import asyncio
import hashlib
import io
import threading
import time

import pytest
from PIL import Image, ImageFile, ImageOps

from shopwatch.incidents import photos
from shopwatch.incidents.photo_formats import check_pixel_count, webp_canvas_size
from shopwatch.incidents.photos import (
    DISPLAY_MINIMUM,
    DISPLAY_SIZE,
    MAX_PHOTO_BYTES,
    MAX_PHOTOS_PER_INCIDENT,
    THUMBNAIL_SIZE,
    PhotoRejected,
    ProcessedPhoto,
    RejectReason,
    draft_size,
    hamming_distance,
    jpeg_eighths,
    process_photo,
    process_photo_sync,
)
from tests.support import images
from tests.support.images import (
    BLUE,
    BOTTOM_LEFT,
    BOTTOM_RIGHT,
    GREEN,
    RED,
    TOP_LEFT,
    TOP_RIGHT,
    WHITE,
    YELLOW,
    close_to,
    colour_at,
)

# JPEG markers that may carry metadata: APP1 (EXIF, XMP), APP2 (ICC), APP3-APP15, and COM.
METADATA_MARKERS = {*range(0xE1, 0xF0), 0xFE}


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_clean_jpeg(data: bytes) -> None:
    """A JPEG with pixels only: no EXIF, GPS, XMP, ICC profile or comment, by Pillow and by marker."""
    image = opened(data)
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    for key in ("exif", "xmp", "icc_profile", "comment", "photoshop", "adobe"):
        assert key not in image.info, key
    assert not image.getexif()
    assert not image.getexif().get_ifd(0x8825)  # GPS
    markers = {marker for marker, _ in images.jpeg_segments(data)}
    assert not markers & METADATA_MARKERS, sorted(hex(m) for m in markers & METADATA_MARKERS)
    for needle in (b"Exif\0", b"http://ns.adobe.com/xap", b"ICC_PROFILE", b"TestPhone", b"secret"):
        assert needle not in data


def rejection(data: bytes) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        process_photo_sync(data)
    error = caught.value
    assert error.message == str(error)
    assert error.message.endswith(".") and error.message[0].isupper()  # a sentence for the user
    return error


# --- what comes out ---------------------------------------------------------------------------------


def test_phone_photo_comes_back_upright_and_without_metadata() -> None:
    # A phone held upright stores landscape pixels and EXIF orientation 6 ("rotate 90° clockwise").
    stored = images.quadrants((400, 300))
    original = images.jpeg(
        stored,
        exif=images.gps_exif(orientation=6).tobytes(),
        xmp=images.XMP,
        comment=b"secret",
        icc_profile=images.srgb_icc_profile(),
    )
    # The input really carries what must be removed.
    source = opened(original)
    assert source.getexif()[0x0112] == 6
    assert source.getexif().get_ifd(0x8825)[2] == (51.0, 27.0, 15.5)
    assert {"exif", "xmp", "comment", "icc_profile"} <= set(source.info)

    photo = process_photo_sync(original)

    assert (photo.width, photo.height) == (300, 400)
    assert (photo.original_width, photo.original_height) == (300, 400)
    display = opened(photo.display_jpeg)
    assert display.size == (300, 400)
    # Rotated clockwise: what was top-left is now top-right, bottom-left is now top-left.
    assert close_to(colour_at(display, TOP_RIGHT), RED)
    assert close_to(colour_at(display, BOTTOM_RIGHT), GREEN)
    assert close_to(colour_at(display, TOP_LEFT), BLUE)
    assert close_to(colour_at(display, BOTTOM_LEFT), YELLOW)
    thumbnail = opened(photo.thumbnail_jpeg)
    assert thumbnail.size == (photo.thumbnail_width, photo.thumbnail_height) == (240, 320)
    assert close_to(colour_at(thumbnail, TOP_RIGHT), RED)
    assert_clean_jpeg(photo.display_jpeg)
    assert_clean_jpeg(photo.thumbnail_jpeg)
    assert "progressive" not in display.info  # baseline: cheapest to decode on a phone


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_matches_pillows_exif_transpose(orientation: int) -> None:
    stored = images.quadrants((2400, 1800))  # large enough to be reduced by draft() too
    exif = Image.Exif()
    exif[0x0112] = orientation
    original = images.jpeg(stored, exif=exif.tobytes())
    expected = ImageOps.exif_transpose(opened(original))

    photo = process_photo_sync(original)

    display = opened(photo.display_jpeg)
    assert display.size == (photo.width, photo.height)
    assert max(display.size) == 1500  # decoded at 5/8, about the display size: not resized
    assert (photo.original_width, photo.original_height) == expected.size
    assert (display.width > display.height) == (expected.width > expected.height)
    for where in (TOP_LEFT, TOP_RIGHT, BOTTOM_LEFT, BOTTOM_RIGHT):
        assert close_to(colour_at(display, where), colour_at(expected, where))


def test_original_is_kept_byte_for_byte_and_named_by_its_sha256() -> None:
    original = images.jpeg(images.scene(1), exif=images.gps_exif(orientation=3).tobytes())
    photo = process_photo_sync(original)
    assert photo.original == original
    assert photo.sha256 == hashlib.sha256(original).hexdigest()
    assert photo.byte_size == len(original)
    assert photo.content_type == "image/jpeg"
    assert len(repr(photo)) < 1000  # the bytes stay out of logs and tracebacks


def test_display_copy_is_at_most_1600_and_thumbnail_at_most_320() -> None:
    # No eighth of 3600 falls within 1440-1600 (3/8 is 1350), so it decodes at 4/8 and is resized.
    photo = process_photo_sync(images.jpeg(images.scene(2, (3600, 2400))))
    assert (photo.decoded_width, photo.decoded_height) == (1800, 1200)
    assert (photo.width, photo.height) == (1600, 1067)
    assert opened(photo.display_jpeg).size == (1600, 1067)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (THUMBNAIL_SIZE, 213)
    assert opened(photo.thumbnail_jpeg).size == (320, 213)


def test_portrait_photo_fits_the_same_box() -> None:
    photo = process_photo_sync(images.webp(images.scene(2, (1000, 3000)), quality=70))
    assert (photo.width, photo.height) == (533, DISPLAY_SIZE)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (107, THUMBNAIL_SIZE)


def test_small_photo_is_not_enlarged() -> None:
    photo = process_photo_sync(images.jpeg(images.scene(3, (800, 600))))
    assert (photo.width, photo.height) == (800, 600)
    assert opened(photo.display_jpeg).size == (800, 600)
    assert opened(photo.thumbnail_jpeg).size == (320, 240)
    tiny = process_photo_sync(images.png(images.scene(4, (200, 100))))
    assert (tiny.width, tiny.height) == (tiny.thumbnail_width, tiny.thumbnail_height) == (200, 100)


# --- draft(): a 12 MP JPEG never decodes at full size ------------------------------------------------


def test_draft_size_keeps_the_aspect_ratio() -> None:
    assert draft_size(4032, 3024, 1600) == (1600, 1200)
    assert draft_size(3024, 4032, 1600) == (1200, 1600)
    assert draft_size(3201, 2400, 1600) == (1600, 1200)  # rounded up, never below the target
    assert draft_size(1600, 900, 1600) is None
    assert draft_size(800, 600, 1600) is None


def test_a_square_draft_request_leaves_a_4_3_photo_at_full_size_but_ours_halves_it() -> None:
    data = images.jpeg(images.quadrants((4032, 3024)))
    square = Image.open(io.BytesIO(data))
    square.draft("RGB", (1600, 1600))
    assert square.size == (4032, 3024)  # the trap: 3024 // 1600 == 1, so no reduction at all

    ours = Image.open(io.BytesIO(data))
    request = draft_size(*ours.size, DISPLAY_SIZE)
    assert request is not None
    ours.draft("RGB", request)
    ours.load()
    assert ours.size == (2016, 1512)


@pytest.mark.parametrize(
    ("side", "eighths"),
    [
        (4032, 3), (4000, 3), (3024, 4), (3264, 4), (3600, 4), (4624, 3), (8064, 2), (12800, 1),
        (2400, 5), (1800, 7), (1700, 7), (1620, 8), (1600, 8), (800, 8),
    ],
)  # fmt: skip
def test_jpeg_decodes_at_the_eighth_nearest_the_display_size_from_below_or_else_above(
    side: int, eighths: int
) -> None:
    assert jpeg_eighths(side, side * 3 // 4) == jpeg_eighths(side * 3 // 4, side) == eighths
    decoded = -(-side * eighths // 8)
    assert decoded >= min(side, DISPLAY_MINIMUM)
    assert decoded <= DISPLAY_SIZE or -(-side * (eighths - 1) // 8) < DISPLAY_MINIMUM


@pytest.mark.parametrize(("size", "decoded"), [((4032, 3024), (1512, 1134)), ((3024, 4032), (1134, 1512))])
def test_12_megapixel_jpeg_decodes_at_its_display_size(
    size: tuple[int, int], decoded: tuple[int, int]
) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = process_photo_sync(images.jpeg(images.quadrants(size), exif=exif.tobytes()))
    assert (photo.decoded_width, photo.decoded_height) == decoded
    assert (photo.original_width, photo.original_height) == (size[1], size[0])
    assert (photo.width, photo.height) == (decoded[1], decoded[0])  # upright, not resized
    display = opened(photo.display_jpeg)
    assert close_to(colour_at(display, TOP_RIGHT), RED)
    assert close_to(colour_at(display, BOTTOM_LEFT), YELLOW)


def test_12_megapixel_greyscale_jpeg_decodes_at_a_quarter_of_the_pixels() -> None:
    photo = process_photo_sync(images.jpeg(images.quadrants((4032, 3024)).convert("L")))
    assert (photo.decoded_width, photo.decoded_height) == (2016, 1512)  # Pillow's draft()
    assert (photo.width, photo.height) == (DISPLAY_SIZE, 1200)


# --- accepted formats -------------------------------------------------------------------------------


def test_heic_from_an_iphone_is_accepted() -> None:
    data = images.heic(images.quadrants((640, 480)), exif=images.gps_exif().tobytes())
    assert data[4:12] == b"ftypheic"
    photo = process_photo_sync(data)
    assert photo.content_type == "image/heic"
    assert (photo.width, photo.height) == (640, 480)
    display = opened(photo.display_jpeg)
    assert close_to(colour_at(display, TOP_LEFT), RED)
    assert close_to(colour_at(display, BOTTOM_RIGHT), YELLOW)
    assert_clean_jpeg(photo.display_jpeg)


def test_rotated_heic_is_shown_upright() -> None:
    # HEIF stores rotation as a transformation that libheif applies; EXIF orientation is then ignored.
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = process_photo_sync(images.heic(images.quadrants((640, 480)), exif=exif.tobytes()))
    assert (photo.width, photo.height) == (480, 640)
    assert close_to(colour_at(opened(photo.display_jpeg), TOP_RIGHT), RED)


def test_png_with_transparency_is_flattened_onto_white() -> None:
    image = images.quadrants((400, 300)).convert("RGBA")
    image.paste((0, 0, 0, 0), (0, 0, 200, 150))  # the red quadrant made fully transparent
    photo = process_photo_sync(images.png(image))
    assert photo.content_type == "image/png"
    display = opened(photo.display_jpeg)
    assert display.mode == "RGB"
    assert close_to(colour_at(display, TOP_LEFT), WHITE, tolerance=8)
    assert close_to(colour_at(display, TOP_RIGHT), GREEN)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: images.png(images.quadrants().convert("P")), id="palette"),
        pytest.param(lambda: images.png(images.quadrants().convert("L")), id="greyscale"),
        pytest.param(lambda: images.png(images.quadrants().convert("LA")), id="greyscale-alpha"),
        pytest.param(lambda: images.jpeg(images.quadrants().convert("CMYK")), id="cmyk-jpeg"),
        pytest.param(lambda: images.jpeg(images.quadrants().convert("L")), id="greyscale-jpeg"),
    ],
)
def test_other_colour_modes_become_rgb(make) -> None:  # type: ignore[no-untyped-def]
    photo = process_photo_sync(make())
    display = opened(photo.display_jpeg)
    assert display.mode == "RGB"
    assert display.size == (400, 300)


def test_16_bit_greyscale_png_is_scaled_not_clipped_to_white() -> None:
    image = Image.new("I;16", (64, 64), 0x8000)  # middle grey in 16 bits
    photo = process_photo_sync(images.png(image))
    assert close_to(colour_at(opened(photo.display_jpeg), (0.5, 0.5)), (128, 128, 128), tolerance=4)


def test_webp_lossy_and_lossless_with_alpha_are_accepted() -> None:
    lossy = process_photo_sync(images.webp(images.quadrants(), quality=80))
    assert lossy.content_type == "image/webp"
    assert close_to(colour_at(opened(lossy.display_jpeg), BOTTOM_LEFT), BLUE)
    transparent = images.quadrants().convert("RGBA")
    transparent.paste((0, 0, 0, 0), (200, 150, 400, 300))
    lossless = process_photo_sync(images.webp(transparent, lossless=True))
    assert close_to(colour_at(opened(lossless.display_jpeg), BOTTOM_RIGHT), WHITE, tolerance=8)


def test_multi_picture_jpeg_from_a_camera_is_read_as_its_first_picture() -> None:
    data = images.encode(
        images.quadrants(), "MPO", save_all=True, append_images=[images.scene(8, (400, 300))]
    )
    assert Image.open(io.BytesIO(data)).format == "MPO"
    photo = process_photo_sync(data)
    assert photo.content_type == "image/jpeg"
    assert close_to(colour_at(opened(photo.display_jpeg), TOP_LEFT), RED)


def test_animated_webp_is_read_as_its_first_frame() -> None:
    frames = [images.quadrants(), images.scene(9, (400, 300))]
    data = images.webp(frames[0], save_all=True, append_images=frames[1:], lossless=True)
    assert Image.open(io.BytesIO(data)).n_frames == 2
    photo = process_photo_sync(data)
    assert close_to(colour_at(opened(photo.display_jpeg), BOTTOM_RIGHT), YELLOW)


def test_colour_profile_is_applied_then_dropped() -> None:
    # Tagged with a profile whose "red" is sRGB's green: a photo converted properly shows green.
    data = images.jpeg(images.quadrants(), icc_profile=images.swapped_primaries_icc_profile())
    photo = process_photo_sync(data)
    display = opened(photo.display_jpeg)
    assert close_to(colour_at(display, TOP_LEFT), GREEN)
    assert close_to(colour_at(display, TOP_RIGHT), RED)
    assert_clean_jpeg(photo.display_jpeg)


def test_unreadable_colour_profile_is_ignored() -> None:
    photo = process_photo_sync(images.jpeg(images.quadrants(), icc_profile=b"not a profile at all"))
    assert close_to(colour_at(opened(photo.display_jpeg), TOP_LEFT), RED)


def test_content_type_comes_from_the_bytes() -> None:
    # There is no name or declared type to be fooled by: only bytes go in.
    assert process_photo_sync(images.png(images.quadrants())).content_type == "image/png"
    assert process_photo_sync(images.jpeg(images.quadrants())).content_type == "image/jpeg"


# --- refused ----------------------------------------------------------------------------------------


def test_empty_file_is_refused() -> None:
    assert rejection(b"").reason is RejectReason.EMPTY


def test_file_over_15_mb_is_refused_for_its_size_before_any_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    photo = images.jpeg(images.quadrants())
    # JPEG decoders ignore bytes after the end of the image, so padding keeps it a valid photo...
    at_limit = photo + b"\0" * (MAX_PHOTO_BYTES - len(photo))
    assert process_photo_sync(at_limit).original == at_limit
    # ...and one byte more, or 16 MB, is refused for its size alone, without being opened.
    monkeypatch.setattr(photos, "open_photo", lambda data: pytest.fail("opened an oversized photo"))
    for size in (MAX_PHOTO_BYTES + 1, 16 * 1024 * 1024):
        error = rejection(photo + b"\0" * (size - len(photo)))
        assert error.reason is RejectReason.TOO_LARGE
        assert "15 MB" in error.message


@pytest.mark.parametrize(
    ("data", "named"),
    [
        pytest.param(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n", "PDF", id="pdf"),
        pytest.param(
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
            "SVG",
            id="svg-xml",
        ),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG", id="svg"
        ),
        pytest.param(images.encode(images.quadrants(), "GIF"), "GIF", id="gif"),
        pytest.param(images.encode(images.quadrants(), "BMP"), "BMP", id="bmp"),
        pytest.param(images.encode(images.quadrants(), "TIFF"), "TIFF", id="tiff"),
        pytest.param(images.encode(images.quadrants(), "AVIF"), "AVIF", id="avif"),
        pytest.param(b"hello, this is a text file named photo.jpg", None, id="text"),
        pytest.param(images.encode(images.quadrants(), "ICO"), None, id="ico"),
    ],
)
def test_other_kinds_of_file_are_refused(data: bytes, named: str | None) -> None:
    error = rejection(data)
    assert error.reason is RejectReason.UNSUPPORTED_FORMAT
    assert "JPEG, PNG, WebP or HEIC" in error.message
    if named:
        assert error.message.startswith(f"{named} files are not accepted")


def test_pdf_with_a_jpeg_signature_glued_on_is_refused_as_damaged() -> None:
    assert rejection(b"\xff\xd8\xff\xe0" + b"%PDF-1.4 " * 100).reason is RejectReason.DAMAGED


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_truncated_jpeg_is_refused(fraction: float) -> None:
    whole = images.jpeg(images.scene(5, (2400, 1800)))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    error = rejection(whole[: int(len(whole) * fraction)])
    assert error.reason is RejectReason.DAMAGED
    assert "damaged or incomplete" in error.message


@pytest.mark.parametrize("encode", [images.png, images.webp, images.heic], ids=["png", "webp", "heic"])
def test_truncated_png_webp_and_heic_are_refused(encode) -> None:  # type: ignore[no-untyped-def]
    whole = encode(images.scene(6, (600, 400)))
    assert rejection(whole[: len(whole) // 2]).reason is RejectReason.DAMAGED


def test_pipeline_refuses_to_run_if_truncated_images_are_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        process_photo_sync(images.jpeg(images.quadrants()))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(images.png_bomb(10_000, 10_000), id="png-100-megapixels"),
        pytest.param(images.png_bomb(8000, 5001), id="png-just-over-40-megapixels"),
        pytest.param(
            images.with_jpeg_size(images.jpeg(images.quadrants()), 60_000, 60_000), id="jpeg-header"
        ),
        pytest.param(images.webp_header_claiming(16_000, 16_000), id="webp-header"),
        pytest.param(images.webp_header_claiming(8000, 5001), id="webp-just-over"),
    ],
)
def test_decompression_bombs_are_refused_from_the_header(data: bytes) -> None:
    assert len(data) < 100_000  # small files...
    error = rejection(data)  # ...refused without decoding (a decode would need gigabytes or minutes)
    assert error.reason is RejectReason.TOO_MANY_PIXELS
    assert "limit is 40 megapixels" in error.message


def test_a_bomb_raises_no_warning(recwarn: pytest.WarningsRecorder) -> None:
    # 100 MP is above Pillow's own warning threshold (89 MP), where Image.open would only warn.
    rejection(images.png_bomb(10_000, 10_000))
    rejection(images.png_bomb(14_000, 14_000))  # above Pillow's error threshold
    assert not [
        warning for warning in recwarn if issubclass(warning.category, Image.DecompressionBombWarning)
    ]


def test_pixel_limit_is_40_megapixels_inclusive() -> None:
    check_pixel_count((8000, 5000))
    check_pixel_count((40_000_000, 1))
    with pytest.raises(PhotoRejected) as caught:
        check_pixel_count((8000, 5001))
    assert "8000 x 5001 pixels (40.008 megapixels)" in caught.value.message


def test_webp_canvas_size_agrees_with_pillow() -> None:
    for data in (
        images.webp(images.scene(7, (321, 123)), quality=70),
        images.webp(images.scene(7, (321, 123)), lossless=True),
        images.webp(images.scene(7, (321, 123)).convert("RGBA"), quality=70),
    ):
        assert webp_canvas_size(data) == Image.open(io.BytesIO(data)).size == (321, 123)


def test_at_most_six_photos_per_incident() -> None:
    assert MAX_PHOTOS_PER_INCIDENT == 6


# --- perceptual hash --------------------------------------------------------------------------------


def test_perceptual_hash_survives_reencoding_but_tells_different_pictures_apart() -> None:
    picture = images.scene(10, (1200, 900))
    good = process_photo_sync(images.jpeg(picture, quality=95))
    poor = process_photo_sync(images.jpeg(picture, quality=40))
    smaller = process_photo_sync(images.png(picture.resize((600, 450))))
    other = process_photo_sync(images.jpeg(images.scene(11, (1200, 900)), quality=95))
    assert len(good.perceptual_hash) == 16
    assert int(good.perceptual_hash, 16) >= 0
    assert good.sha256 != poor.sha256
    assert hamming_distance(good.perceptual_hash, poor.perceptual_hash) <= 5
    assert hamming_distance(good.perceptual_hash, smaller.perceptual_hash) <= 5
    assert hamming_distance(good.perceptual_hash, other.perceptual_hash) > 20


def test_perceptual_hash_is_of_the_upright_picture() -> None:
    picture = images.scene(12, (1200, 900))
    upright = process_photo_sync(images.jpeg(picture.transpose(Image.Transpose.ROTATE_270)))
    exif = Image.Exif()
    exif[0x0112] = 6
    tagged = process_photo_sync(images.jpeg(picture, exif=exif.tobytes()))
    assert hamming_distance(upright.perceptual_hash, tagged.perceptual_hash) <= 5


def test_hamming_distance() -> None:
    assert hamming_distance("0000000000000000", "0000000000000000") == 0
    assert hamming_distance("ffffffffffffffff", "0000000000000000") == 64
    assert hamming_distance(0b1011, "0000000000000001") == 2
    with pytest.raises(ValueError):
        hamming_distance(1 << 64, 0)


# --- off the event loop, a few at a time ------------------------------------------------------------


async def test_process_photo_runs_in_a_thread() -> None:
    photo = await process_photo(images.jpeg(images.quadrants()))
    assert isinstance(photo, ProcessedPhoto)
    with pytest.raises(PhotoRejected):
        await process_photo(b"GIF89a not really")


async def test_twenty_uploads_at_once_are_bounded_and_do_not_block_the_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loop_thread = threading.get_ident()
    lock = threading.Lock()
    running = 0
    most = 0

    def slow_pipeline(data: bytes, sha256: str | None = None) -> str:
        nonlocal running, most
        assert threading.get_ident() != loop_thread
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)  # stands for CPU work that holds its thread
        with lock:
            running -= 1
        return data.decode()

    monkeypatch.setattr(photos, "process_photo_sync", slow_pipeline)
    ticks = 0
    done = False

    async def heartbeat() -> None:
        nonlocal ticks
        while not done:
            ticks += 1
            await asyncio.sleep(0.005)

    beating = asyncio.create_task(heartbeat())
    results = await asyncio.gather(*(process_photo(str(n).encode()) for n in range(20)))
    done = True
    await beating

    assert results == [str(n) for n in range(20)]  # type: ignore[comparison-overlap]
    assert most == min(20, photos.PHOTO_CONCURRENCY)
    assert ticks >= 10  # the loop kept running while the photos were processed


def test_process_photo_works_on_a_new_event_loop_each_time() -> None:
    # The semaphore belongs to the loop it was made on; a second loop gets its own.
    data = images.jpeg(images.quadrants())
    first = asyncio.run(process_photo(data))
    second = asyncio.run(process_photo(data))
    assert first == second


def test_process_photo_works_under_uvloop() -> None:
    uvloop = pytest.importorskip("uvloop")  # what uvicorn runs in production

    async def main() -> ProcessedPhoto:
        return await process_photo(images.jpeg(images.quadrants()))

    assert uvloop.run(main()).width == 400
