"""Photos through the API: kept with the report, refused one by one, served only to those allowed."""

import hashlib
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from tortoise.exceptions import IntegrityError

from shopwatch.accounts.models import Role
from shopwatch.accounts.sessions import start_session
from shopwatch.core.storage import PhotoStore
from shopwatch.incidents.attachments import keep_photo
from shopwatch.incidents.models import Incident, Photo
from shopwatch.offenders.models import Offender
from shopwatch.offenders.photos import attach_offender_photo
from shopwatch.settings import Settings
from tests.api.incidents.helpers import REPORT, report_input
from tests.support.graphql import GraphQLClient, post_multipart
from tests.support.images import gps_exif, heic, jpeg, png_bomb, quadrants, scene
from tests.support.world import World, make_colleague

ADD_PHOTO = """
mutation Add($incidentId: ID!, $photo: Upload!) {
  addIncidentPhoto(incidentId: $incidentId, photo: $photo) {
    __typename
    ... on AddIncidentPhotoSuccess { photo { id url originalUrl sha256 } incident { photos { id } } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""


def jpeg_file(seed: int = 1) -> tuple[str, bytes, str]:
    return (f"photo{seed}.jpg", jpeg(scene(seed)), "image/jpeg")


async def report_with_photos(
    http: httpx.AsyncClient, world: World, photos: list[tuple[str, bytes, str]], **changes: Any
) -> dict[str, Any]:
    token = world.token(Role.SHOP_STAFF) or ""
    if not photos:
        variables = {"input": report_input(world.home.shop_id(0), **changes)}
        data = await GraphQLClient(http).execute(REPORT, variables, token=token)
        return dict(data["reportIncident"])
    variables = {"input": report_input(world.home.shop_id(0), photos=[None] * len(photos), **changes)}
    files = {f"variables.input.photos.{n}": photo for n, photo in enumerate(photos)}
    data = await post_multipart(http, REPORT, variables, files, token)
    result: dict[str, Any] = data["reportIncident"]
    return result


async def test_a_report_with_photos_keeps_the_original_and_serves_clean_copies(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    original = jpeg(quadrants((800, 600)), exif=gps_exif(orientation=6).tobytes())
    result = await report_with_photos(http, world, [("IMG_0001.jpg", original, "image/jpeg")])
    assert result["__typename"] == "ReportIncidentSuccess"
    assert result["photoErrors"] == []
    [photo] = result["incident"]["photos"]
    assert photo["sha256"] == hashlib.sha256(original).hexdigest()
    assert (photo["width"], photo["height"]) == (600, 800)  # turned upright
    assert photo["originalUrl"] is None  # shop staff never see originals

    staff = {"Authorization": f"Bearer {world.token(Role.SHOP_STAFF)}"}
    display = await http.get(photo["url"], headers=staff)
    assert display.status_code == 200
    assert display.headers["content-type"] == "image/jpeg"
    assert display.headers["x-content-type-options"] == "nosniff"
    assert display.headers["cache-control"].startswith("private")
    assert display.headers["content-security-policy"] == "default-src 'none'; sandbox"
    shown = Image.open(io.BytesIO(display.content))
    assert shown.size == (600, 800)
    assert not shown.getexif()
    assert "icc_profile" not in shown.info and "xmp" not in shown.info
    thumbnail = Image.open(io.BytesIO((await http.get(photo["thumbnailUrl"], headers=staff)).content))
    assert max(thumbnail.size) == 320

    manager = {"Authorization": f"Bearer {world.token(Role.BID_MANAGER)}"}
    stored = (await Photo.get()).id
    evidence = await http.get(f"{photo['url'].rsplit('/', 1)[0]}/original", headers=manager)
    assert evidence.status_code == 200
    assert evidence.content == original
    assert evidence.headers["content-type"] == "image/jpeg"
    assert stored
    assert list(Path(settings.media_root).rglob("*.tmp")) == []


@pytest.mark.parametrize(
    ("role", "town", "display", "original"),
    [
        (Role.SHOP_STAFF, "home", 200, 403),
        (Role.BID_MANAGER, "home", 200, 200),
        (Role.POLICE, "home", 200, 200),
        (Role.ADMIN, "home", 200, 200),
        (Role.SHOP_STAFF, "away", 404, 404),
        (Role.BID_MANAGER, "away", 404, 404),
        (Role.POLICE, "away", 404, 404),
        (None, "home", 401, 401),
    ],
)
async def test_who_may_fetch_photo_files(
    http: httpx.AsyncClient, world: World, role: Role | None, town: str, display: int, original: int
) -> None:
    result = await report_with_photos(http, world, [jpeg_file()])
    url = result["incident"]["photos"][0]["url"]
    token = world.token(role, town)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    assert (await http.get(url, headers=headers)).status_code == display
    assert (await http.get(url.replace("/display", "/original"), headers=headers)).status_code == original


async def test_originals_are_offered_to_managers_in_the_incident(
    http: httpx.AsyncClient, world: World
) -> None:
    await report_with_photos(http, world, [jpeg_file()])
    query = "{ incidents { edges { node { photos { originalUrl } } } } }"
    for role, offered in [(Role.BID_MANAGER, True), (Role.POLICE, True), (Role.SHOP_STAFF, False)]:
        response = await http.post(
            "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {world.token(role)}"}
        )
        [edge] = response.json()["data"]["incidents"]["edges"]
        assert (edge["node"]["photos"][0]["originalUrl"] is not None) is offered


async def test_a_heic_photo_from_an_iphone_is_accepted(http: httpx.AsyncClient, world: World) -> None:
    result = await report_with_photos(http, world, [("IMG_0002.HEIC", heic(scene(3)), "image/heic")])
    assert result["photoErrors"] == []
    assert len(result["incident"]["photos"]) == 1


async def test_bad_photos_are_refused_one_by_one_and_the_report_is_kept(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    good = jpeg(scene(5))
    truncated = good[: len(good) // 2]
    photos = [
        ("bomb.png", png_bomb(10_000, 10_000), "image/png"),
        ("cut.jpg", truncated, "image/jpeg"),
        ("scan.jpg", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "image/jpeg"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="5"/></svg>', "image/svg+xml"),
        ("huge.jpg", good + b"\0" * (16 * 1024 * 1024 - len(good)), "image/jpeg"),
        ("fine.jpg", good, "image/jpeg"),
    ]
    result = await report_with_photos(http, world, photos)
    assert result["__typename"] == "ReportIncidentSuccess"
    errors = result["photoErrors"]
    assert [error["field"] for error in errors] == [f"photos.{n}" for n in range(5)]
    for error, (name, _, _) in zip(errors, photos, strict=False):
        assert name in error["message"]
    assert "15 MB" in errors[4]["message"]
    assert len(result["incident"]["photos"]) == 1
    assert await Incident.all().count() == 1
    # Refused photos leave no files behind: one original, one display copy, one thumbnail.
    assert len([path for path in Path(settings.media_root).rglob("*") if path.is_file()]) == 3


async def test_a_seventh_photo_is_refused(http: httpx.AsyncClient, world: World) -> None:
    result = await report_with_photos(http, world, [jpeg_file(seed) for seed in range(7)])
    assert len(result["incident"]["photos"]) == 6
    [error] = result["photoErrors"]
    assert error["field"] == "photos.6"
    assert "at most 6" in error["message"]


async def test_photos_sent_again_with_a_retried_report_are_stored_once(
    http: httpx.AsyncClient, world: World
) -> None:
    photos = [jpeg_file(1), jpeg_file(2)]
    first = await report_with_photos(http, world, photos, clientId="6b3a1a52-3f4e-4d7b-9a51-3f0c2d9b7e11")
    again = await report_with_photos(http, world, photos, clientId="6b3a1a52-3f4e-4d7b-9a51-3f0c2d9b7e11")
    assert again["duplicate"] is True
    assert again["incident"]["photos"] == first["incident"]["photos"]
    assert await Photo.all().count() == 2


async def test_resending_a_colleagues_client_id_adds_no_photos(http: httpx.AsyncClient, world: World) -> None:
    client_id = "0f6c2b8e-7d1a-4c55-9e3b-2a8d4f1c6b70"
    first = await report_with_photos(http, world, [], clientId=client_id)
    colleague = await make_colleague(world.home)
    variables = {"input": report_input(world.home.shop_id(0), clientId=client_id, photos=[None])}
    files = {"variables.input.photos.0": jpeg_file(1)}
    resent = (await post_multipart(http, REPORT, variables, files, await start_session(colleague)))[
        "reportIncident"
    ]
    assert resent["__typename"] == "ReportIncidentSuccess"
    assert resent["duplicate"] is True
    assert resent["incident"]["id"] == first["incident"]["id"]
    assert resent["incident"]["photos"] == []
    [error] = resent["photoErrors"]
    assert error["field"] == "photos.0"
    assert "Only the reporter or the BID's managers can add photos." in error["message"]
    assert await Photo.all().count() == 0


async def test_photos_can_follow_the_report_one_at_a_time(http: httpx.AsyncClient, world: World) -> None:
    incident_id = (await report_with_photos(http, world, []))["incident"]["id"]

    async def add(role: Role, town: str = "home", seed: int = 1) -> dict[str, Any]:
        files = {"variables.photo": jpeg_file(seed)}
        data = await post_multipart(
            http, ADD_PHOTO, {"incidentId": incident_id, "photo": None}, files, world.token(role, town) or ""
        )
        result: dict[str, Any] = data["addIncidentPhoto"]
        return result

    added = await add(Role.SHOP_STAFF)
    assert added["__typename"] == "AddIncidentPhotoSuccess"
    assert added["photo"]["originalUrl"] is None
    by_manager = await add(Role.BID_MANAGER, seed=2)
    assert by_manager["photo"]["originalUrl"] is not None
    assert len(by_manager["incident"]["photos"]) == 2
    assert (await add(Role.POLICE))["__typename"] == "PermissionDenied"
    assert (await add(Role.BID_MANAGER, "away"))["__typename"] == "NotFound"
    assert await Photo.all().count() == 2


async def test_a_bad_photo_added_later_names_the_photo(http: httpx.AsyncClient, world: World) -> None:
    incident_id = (await report_with_photos(http, world, []))["incident"]["id"]
    files = {"variables.photo": ("notes.jpg", b"just some text", "image/jpeg")}
    data = await post_multipart(
        http, ADD_PHOTO, {"incidentId": incident_id, "photo": None}, files, world.token(Role.SHOP_STAFF) or ""
    )
    refused = data["addIncidentPhoto"]
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "photo"
    assert "notes.jpg" in refused["message"]


async def test_a_photo_whose_file_is_missing_is_a_404_not_a_500(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    result = await report_with_photos(http, world, [jpeg_file()])
    photo = await Photo.get()
    (Path(settings.media_root) / photo.display_path).unlink()
    headers = {"Authorization": f"Bearer {world.token(Role.SHOP_STAFF)}"}
    response = await http.get(result["incident"]["photos"][0]["url"], headers=headers)
    assert response.status_code == 404
    assert response.json() == {"error": "This photo's file is missing."}


async def test_files_of_a_failed_photo_row_go_unless_a_gallery_photo_shares_them(
    world: World, settings: Settings
) -> None:
    store = PhotoStore(settings.media_root)
    gone = Incident(id=999_999)  # never stored: the photo row's foreign key fails after the files are written
    lonely = jpeg(scene(8))
    with pytest.raises(IntegrityError):
        await keep_photo(gone, "incident_id", Photo, lonely, store, 6, "full")
    assert [path for path in Path(settings.media_root).rglob("*") if path.is_file()] == []

    shared = jpeg(scene(9))
    offender = await Offender.create(bid=world.home.bid, display_name="Known")
    gallery_photo = await attach_offender_photo(offender, shared, store)
    with pytest.raises(IntegrityError):
        await keep_photo(gone, "incident_id", Photo, shared, store, 6, "full")
    assert store.open_path(gallery_photo.display_path).is_file()
    assert store.open_path(gallery_photo.original_path).read_bytes() == shared
