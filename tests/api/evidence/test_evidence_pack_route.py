"""GET /export/evidence/<id>.zip: who may download an incident's evidence pack, and that it streams."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.csrf import OPENED_FROM_ANOTHER_SITE
from shopwatch.app import create_app
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.ids import encode_id
from shopwatch.evidence import pack
from shopwatch.settings import Settings
from tests.api.offenders.helpers import EVERY_VIEWER
from tests.api.test_cross_site_links import ANOTHER_SITE, as_manager
from tests.evidence.packs import download, incident_with_photos, members, pack_url
from tests.support.asgi import http_scope
from tests.support.world import World

ALLOWED = {(Role.BID_MANAGER, "home"), (Role.POLICE, "home"), (Role.ADMIN, "home")}
REFUSED = "Evidence packs are for the BID's managers, the police covering it and administrators."


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_only_the_bids_managers_covering_police_and_admins_may_download(
    http: httpx.AsyncClient, world: World, settings: Settings, role: Role | None, town: str
) -> None:
    incident = await incident_with_photos(world, settings, photos=1)
    response = await download(http, world, incident, role, town)
    if (role, town) in ALLOWED:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/zip"
        assert await AuditEntry.filter(action="evidence.pack").count() == 1
        return
    # Staff of the incident's shop see it but may not take its evidence away; anyone who cannot
    # see the incident learns nothing of it, not even that it exists.
    expected = {None: 401, Role.SHOP_STAFF: 403 if town == "home" else 404}.get(role, 404)
    assert response.status_code == expected
    assert response.headers["cache-control"] == "no-store"
    if expected == 403:
        assert response.json() == {"error": REFUSED}
    assert await AuditEntry.filter(action="evidence.pack").count() == 0


@pytest.mark.parametrize("site", ANOTHER_SITE)
async def test_a_pack_opened_from_another_site_is_refused_and_not_recorded(
    http: httpx.AsyncClient, world: World, settings: Settings, site: str
) -> None:
    incident = await incident_with_photos(world, settings, photos=1)
    response = await http.get(pack_url(incident), headers=as_manager(world, **{"Sec-Fetch-Site": site}))
    assert response.status_code == 403
    assert response.json() == {"error": OPENED_FROM_ANOTHER_SITE}
    assert await AuditEntry.all().count() == 0


async def test_the_same_manager_from_the_app_gets_it(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    incident = await incident_with_photos(world, settings, photos=1)
    response = await http.get(
        pack_url(incident), headers=as_manager(world, **{"Sec-Fetch-Site": "same-origin"})
    )
    assert response.status_code == 200
    assert (
        response.headers["content-disposition"] == f'attachment; filename="{incident.reference}-evidence.zip"'
    )
    assert response.headers["cache-control"] == "no-store"


async def test_a_head_request_makes_no_pack_and_records_nothing(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    """The audit trail says a pack was made only when one was: a HEAD (a link checker, a proxy)
    is answered with what to use instead."""
    incident = await incident_with_photos(world, settings, photos=1)
    response = await http.head(pack_url(incident), headers=as_manager(world))
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert await AuditEntry.filter(action="evidence.pack").count() == 0


@pytest.mark.parametrize("given", ["not-an-id", encode_id("Offender", 1), encode_id("Incident", 999999)])
async def test_an_unknown_incident_is_a_404(http: httpx.AsyncClient, world: World, given: str) -> None:
    response = await http.get(
        f"/export/evidence/{given}.zip", headers={"Authorization": f"Bearer {world.token(Role.ADMIN)}"}
    )
    assert response.status_code == 404
    assert response.json() == {"error": "There is no such incident."}


async def test_the_pack_streams_in_pieces_no_larger_than_a_chunk(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The photos go out a chunk at a time, never a whole file at once, and with no length up front.
    (What that does to memory is measured by bench/evidence_pack.py.)"""
    monkeypatch.setattr(pack, "CHUNK", 16 * 1024)
    incident = await incident_with_photos(world, settings, photos=2)
    sent: list[dict[str, Any]] = []
    requested = False
    finished = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()  # the client stays until the response is complete
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    authorization = f"Bearer {world.token(Role.POLICE)}".encode()
    scope = http_scope(
        "GET", pack_url(incident), [(b"host", b"testserver"), (b"authorization", authorization)]
    )
    await create_app(settings)(scope, receive, send)
    finished.set()

    start, *bodies = sent
    assert start["status"] == 200
    assert b"content-length" not in dict(start["headers"])
    pieces = [message["body"] for message in bodies]
    files = members(b"".join(pieces))
    photo_bytes = sum(len(data) for path, data in files.items() if path.startswith("photos/"))
    # The PDFs, CSV and manifest go out whole (they are made in memory anyway); photos never do.
    made = max(len(data) for path, data in files.items() if not path.startswith("photos/"))
    assert photo_bytes > 100 * 1024 > made
    assert len(pieces) > photo_bytes // (16 * 1024)
    assert max(len(piece) for piece in pieces) <= max(16 * 1024, made) + 4096
    assert all(message["more_body"] for message in bodies[:-1])
