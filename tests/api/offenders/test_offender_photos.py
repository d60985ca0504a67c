"""Gallery photos: through the incident photo pipeline, refused politely, served only to those allowed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from shopwatch.accounts.models import Role
from shopwatch.offenders.models import Offender, OffenderPhoto
from shopwatch.offenders.photos import MAX_PHOTOS_PER_OFFENDER
from shopwatch.settings import Settings
from tests.api.offenders.helpers import ADD_PHOTO, CREATE, EVERY_VIEWER, make_offender, offender_id
from tests.support.graphql import post_multipart
from tests.support.images import gps_exif, jpeg, quadrants, scene
from tests.support.world import World


async def create_with_photo(
    http: httpx.AsyncClient, world: World, photo: tuple[str, bytes, str], role: Role = Role.BID_MANAGER
) -> dict[str, Any]:
    variables = {"input": {"bidId": world.home.bid_id, "displayName": "Red cap", "photo": None}}
    files = {"variables.input.photo": photo}
    data = await post_multipart(http, CREATE, variables, files, world.token(role) or "")
    result: dict[str, Any] = data["createOffender"]
    return result


async def test_a_gallery_photo_is_kept_as_evidence_with_clean_copies(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    original = jpeg(quadrants((800, 600)), exif=gps_exif(orientation=6).tobytes())
    result = await create_with_photo(http, world, ("face.jpg", original, "image/jpeg"))
    assert result["__typename"] == "CreateOffenderSuccess"
    assert result["photoErrors"] == []
    offender = result["offender"]
    [photo] = offender["photos"]
    assert (photo["width"], photo["height"]) == (600, 800)
    assert photo["originalUrl"] is not None  # a manager may see originals
    assert offender["thumbnailUrl"] == photo["thumbnailUrl"]
    stored = await OffenderPhoto.get()
    assert len(stored.perceptual_hash) == 16

    staff = {"Authorization": f"Bearer {world.token(Role.SHOP_STAFF)}"}
    display = await http.get(photo["url"], headers=staff)
    assert display.status_code == 200
    assert display.headers["content-type"] == "image/jpeg"
    assert display.headers["cache-control"].startswith("private")
    shown = Image.open(io.BytesIO(display.content))
    assert shown.size == (600, 800)
    assert not shown.getexif()
    thumbnail = await http.get(photo["thumbnailUrl"], headers=staff)
    assert max(Image.open(io.BytesIO(thumbnail.content)).size) == 320
    manager = {"Authorization": f"Bearer {world.token(Role.BID_MANAGER)}"}
    evidence = await http.get(photo["originalUrl"], headers=manager)
    assert evidence.content == original
    assert list(Path(settings.media_root).rglob("*.tmp")) == []


async def test_a_bad_photo_is_listed_and_the_record_is_kept(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    result = await create_with_photo(http, world, ("notes.jpg", b"just some text", "image/jpeg"))
    assert result["__typename"] == "CreateOffenderSuccess"
    [error] = result["photoErrors"]
    assert error["field"] == "photo"
    assert "notes.jpg" in error["message"]
    assert result["offender"]["photos"] == []
    assert await Offender.exists(display_name="Red cap")
    assert not [path for path in Path(settings.media_root).rglob("*") if path.is_file()]


async def test_staff_sending_a_photo_are_refused_and_nothing_is_kept(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    result = await create_with_photo(http, world, ("face.jpg", jpeg(scene(1)), "image/jpeg"), Role.SHOP_STAFF)
    assert result["__typename"] == "PermissionDenied"
    assert not await Offender.exists()
    assert not Path(settings.media_root).exists() or not any(Path(settings.media_root).rglob("*.jpg"))


async def add_photo(
    http: httpx.AsyncClient,
    world: World,
    offender: Offender,
    photo: tuple[str, bytes, str],
    token: str | None,
) -> dict[str, Any]:
    files = {"variables.photo": photo}
    data = await post_multipart(
        http, ADD_PHOTO, {"offenderId": offender_id(offender), "photo": None}, files, token or ""
    )
    result: dict[str, Any] = data["addOffenderPhoto"]
    return result


async def test_photos_can_be_added_up_to_the_limit(http: httpx.AsyncClient, world: World) -> None:
    offender = await make_offender(world.home)
    manager = world.token(Role.BID_MANAGER)
    photos = [(f"{seed}.jpg", jpeg(scene(seed)), "image/jpeg") for seed in range(MAX_PHOTOS_PER_OFFENDER)]
    for photo in photos:
        added = await add_photo(http, world, offender, photo, manager)
        assert added["__typename"] == "AddOffenderPhotoSuccess"
    same_again = await add_photo(http, world, offender, photos[-1], manager)
    assert same_again["__typename"] == "AddOffenderPhotoSuccess"  # already there: kept once
    refused = await add_photo(http, world, offender, ("9.jpg", jpeg(scene(9)), "image/jpeg"), manager)
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "photo"
    assert "at most 6" in refused["message"]
    assert await OffenderPhoto.filter(offender_id=offender.id).count() == MAX_PHOTOS_PER_OFFENDER


@pytest.mark.parametrize(
    ("role", "town", "outcome"),
    [
        (Role.SHOP_STAFF, "home", "PermissionDenied"),
        (Role.BID_MANAGER, "home", "AddOffenderPhotoSuccess"),
        (Role.POLICE, "home", "PermissionDenied"),
        (Role.ADMIN, "home", "AddOffenderPhotoSuccess"),
        (Role.SHOP_STAFF, "away", "NotFound"),
        (Role.BID_MANAGER, "away", "NotFound"),
        (Role.POLICE, "away", "NotFound"),
    ],
)
async def test_who_may_add_gallery_photos(
    http: httpx.AsyncClient, world: World, role: Role, town: str, outcome: str
) -> None:
    offender = await make_offender(world.home)
    photo = ("face.jpg", jpeg(scene(2)), "image/jpeg")
    assert (await add_photo(http, world, offender, photo, world.token(role, town)))["__typename"] == outcome


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_who_may_fetch_gallery_photo_files(
    http: httpx.AsyncClient, world: World, role: Role | None, town: str
) -> None:
    result = await create_with_photo(http, world, ("face.jpg", jpeg(scene(4)), "image/jpeg"))
    url = result["offender"]["photos"][0]["url"]
    token = world.token(role, town)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if role is None:
        display = original = 401
    elif town == "away" and role != Role.ADMIN:
        display = original = 404
    elif role == Role.SHOP_STAFF:
        display, original = 200, 403
    else:
        display = original = 200
    assert (await http.get(url, headers=headers)).status_code == display
    assert (await http.get(url.replace("/display", "/thumbnail"), headers=headers)).status_code == display
    assert (await http.get(url.replace("/display", "/original"), headers=headers)).status_code == original


async def test_photos_of_an_archived_record_are_hidden_from_staff(
    http: httpx.AsyncClient, world: World
) -> None:
    result = await create_with_photo(http, world, ("face.jpg", jpeg(scene(4)), "image/jpeg"))
    await Offender.filter().update(status="ARCHIVED")
    url = result["offender"]["photos"][0]["url"]
    staff = {"Authorization": f"Bearer {world.token(Role.SHOP_STAFF)}"}
    assert (await http.get(url, headers=staff)).status_code == 404
    manager = {"Authorization": f"Bearer {world.token(Role.BID_MANAGER)}"}
    assert (await http.get(url, headers=manager)).status_code == 200


async def test_unknown_variants_and_ids_are_404(http: httpx.AsyncClient, world: World) -> None:
    result = await create_with_photo(http, world, ("face.jpg", jpeg(scene(4)), "image/jpeg"))
    url = result["offender"]["photos"][0]["url"]
    manager = {"Authorization": f"Bearer {world.token(Role.BID_MANAGER)}"}
    assert (await http.get(url.replace("/display", "/raw"), headers=manager)).status_code == 404
    assert (await http.get("/media/offender-photos/nonsense/display", headers=manager)).status_code == 404
    incident_photo_style = url.replace("/media/offender-photos/", "/media/photos/")
    assert (await http.get(incident_photo_style, headers=manager)).status_code == 404
