"""Uploads are worked on a few at a time per process (one per CPU), once their bodies are in; other
requests never wait for a slot, and an upload still arriving holds none."""

import asyncio

import httpx

from shopwatch.accounts.models import Role
from shopwatch.api.cost import cheap_requests_running
from shopwatch.api.view import UPLOAD_CONCURRENCY, upload_slots
from shopwatch.app import create_app
from shopwatch.incidents.models import Incident
from shopwatch.incidents.photos import PHOTO_CONCURRENCY
from shopwatch.settings import Settings
from tests.api.incidents.test_incident_photos import jpeg_file, report_with_photos
from tests.support.asgi import http_scope
from tests.support.graphql import GraphQLClient
from tests.support.world import World

ME = "{ me { email } }"


async def test_one_upload_per_cpu_is_taken_on_at_once() -> None:
    assert UPLOAD_CONCURRENCY == PHOTO_CONCURRENCY


async def test_an_upload_waits_for_a_slot_while_other_requests_are_answered(
    http: httpx.AsyncClient, gql: GraphQLClient, world: World
) -> None:
    slots = upload_slots()
    for _ in range(UPLOAD_CONCURRENCY):
        await slots.acquire()  # every slot taken, as by uploads in progress
    try:
        upload = asyncio.create_task(report_with_photos(http, world, [jpeg_file()]))
        me = await gql.execute(ME, token=world.token(Role.BID_MANAGER))
        assert me["me"]["email"]
        await asyncio.sleep(0.2)
        assert not upload.done()
        assert not await Incident.exists()  # not run before a slot is free
        assert not cheap_requests_running()  # waiting its turn: no work a costly query gives way to
    finally:
        for _ in range(UPLOAD_CONCURRENCY):
            slots.release()
    result = await upload
    assert result["__typename"] == "ReportIncidentSuccess" and result["photoErrors"] == []
    assert await Incident.exists()


async def test_uploads_still_arriving_hold_no_slot(settings: Settings, world: World) -> None:
    """More phones than slots sending their photos slowly: another upload is still stored."""
    app = create_app(settings)
    token = world.token(Role.SHOP_STAFF) or ""
    stalled = asyncio.Event()
    headers = [
        (b"host", b"testserver"),
        (b"content-type", b"multipart/form-data; boundary=slow"),
        (b"content-length", b"100000"),
        (b"authorization", f"Bearer {token}".encode()),
    ]
    scope = http_scope("POST", "/graphql", headers)

    async def first_bytes_then_nothing() -> dict[str, object]:
        if not stalled.is_set():
            stalled.set()
            return {"type": "http.request", "body": b"--slow\r\n", "more_body": True}
        await asyncio.Event().wait()  # the rest never comes
        raise AssertionError("unreachable")

    async def ignore(message: object) -> None:
        return None

    slow = [
        asyncio.create_task(app(dict(scope), first_bytes_then_nothing, ignore))
        for _ in range(UPLOAD_CONCURRENCY + 1)
    ]
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as http:
            result = await asyncio.wait_for(report_with_photos(http, world, [jpeg_file()]), timeout=30)
        assert result["__typename"] == "ReportIncidentSuccess" and result["photoErrors"] == []
    finally:
        for task in slow:
            task.cancel()
