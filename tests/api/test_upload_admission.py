"""Uploads are taken on a few at a time per process (one per CPU); other requests never wait for a slot."""

import asyncio

import httpx

from shopwatch.accounts.models import Role
from shopwatch.api.view import UPLOAD_CONCURRENCY, upload_slots
from shopwatch.incidents.models import Incident
from shopwatch.incidents.photos import PHOTO_CONCURRENCY
from tests.api.incidents.test_incident_photos import jpeg_file, report_with_photos
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
        assert not await Incident.exists()  # its body not even read
    finally:
        for _ in range(UPLOAD_CONCURRENCY):
            slots.release()
    result = await upload
    assert result["__typename"] == "ReportIncidentSuccess" and result["photoErrors"] == []
    assert await Incident.exists()
