"""A link on another site that a logged-in manager follows opens no evidence and no export, and
writes nothing in their name. Browsers send `Sec-Fetch-Site`; without it (an old browser, a script)
a request passes as before."""

from __future__ import annotations

import json

import httpx
import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.context import SESSION_COOKIE
from shopwatch.core.audit.models import AuditEntry
from tests.api.incidents.test_incident_photos import jpeg_file, report_with_photos
from tests.api.offenders.helpers import make_offender, offender_id
from tests.api.offenders.test_offender_photos import create_with_photo
from tests.api.summaries.test_area_summary import LAST_30_DAYS
from tests.support.world import World

REFUSED = (
    "This link was opened from another site. Evidence originals and exports open only from within "
    "Shopwatch: open it from the app."
)
ANOTHER_SITE = ["cross-site", "same-site", "Cross-Site"]
OUR_SITE = [{"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {}]


def as_manager(world: World, **headers: str) -> dict[str, str]:
    """The manager's browser: the session cookie, as a followed link carries it."""
    return {"Cookie": f"{SESSION_COOKIE}={world.token(Role.BID_MANAGER)}", **headers}


@pytest.fixture
async def original_urls(http: httpx.AsyncClient, world: World) -> list[str]:
    """An incident photo's original and a gallery photo's original."""
    report = await report_with_photos(http, world, [jpeg_file()])
    incident_photo = report["incident"]["photos"][0]["url"].replace("/display", "/original")
    created = await create_with_photo(http, world, jpeg_file(2))
    return [incident_photo, created["offender"]["photos"][0]["originalUrl"]]


@pytest.mark.parametrize("site", ANOTHER_SITE)
async def test_an_original_opened_from_another_site_is_refused_and_not_recorded(
    http: httpx.AsyncClient, world: World, original_urls: list[str], site: str
) -> None:
    for url in original_urls:
        response = await http.get(url, headers=as_manager(world, **{"Sec-Fetch-Site": site}))
        assert response.status_code == 403
        assert response.json() == {"error": REFUSED}
        assert response.headers["content-type"] == "application/json"
    assert await AuditEntry.filter(action="photo.open_original").count() == 0


@pytest.mark.parametrize("headers", OUR_SITE)
async def test_an_original_opened_from_the_app_is_served_and_recorded(
    http: httpx.AsyncClient, world: World, original_urls: list[str], headers: dict[str, str]
) -> None:
    for url in original_urls:
        response = await http.get(url, headers=as_manager(world, **headers))
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/jpeg"
    assert await AuditEntry.filter(action="photo.open_original").count() == 2


async def test_display_copies_are_still_served_to_another_site(
    http: httpx.AsyncClient, world: World, original_urls: list[str]
) -> None:
    """They are not evidence and opening them records nothing, so a link to one keeps working."""
    response = await http.get(
        original_urls[0].replace("/original", "/display"),
        headers=as_manager(world, **{"Sec-Fetch-Site": "cross-site"}),
    )
    assert response.status_code == 200
    assert await AuditEntry.all().count() == 0


def export_url(world: World) -> str:
    return (
        f"/export/incidents.csv?bidId={world.home.bid_id}&from={LAST_30_DAYS['from']}&to={LAST_30_DAYS['to']}"
    )


@pytest.mark.parametrize("site", ANOTHER_SITE)
async def test_an_export_from_another_site_is_refused_and_not_recorded(
    http: httpx.AsyncClient, world: World, site: str
) -> None:
    response = await http.get(export_url(world), headers=as_manager(world, **{"Sec-Fetch-Site": site}))
    assert response.status_code == 403
    assert response.json() == {"error": REFUSED}
    assert await AuditEntry.all().count() == 0


@pytest.mark.parametrize("headers", OUR_SITE)
async def test_an_export_from_the_app_is_served_and_recorded(
    http: httpx.AsyncClient, world: World, headers: dict[str, str]
) -> None:
    response = await http.get(export_url(world), headers=as_manager(world, **headers))
    assert response.status_code == 200
    assert await AuditEntry.filter(action="incidents.export_csv").count() == 1


@pytest.mark.parametrize(
    "query",
    [
        "query Q($id: ID!) { offender(id: $id) { id } }",
        "query Q($id: ID!) { exportOffenderData(offenderId: $id) { offender { id } } }",
    ],
)
@pytest.mark.parametrize("site", ANOTHER_SITE)
async def test_recorded_queries_sent_from_another_site_record_nothing(
    http: httpx.AsyncClient, world: World, query: str, site: str
) -> None:
    """Looking at an offender and exporting their data are recorded queries; another site can make
    a browser post them (a form, a fetch) but never send them as JSON or see the answer."""
    variables = {"id": offender_id(await make_offender(world.home))}
    body = {"query": query, "variables": variables}
    headers = as_manager(world, **{"Sec-Fetch-Site": site})
    assert (await http.post("/graphql", json=body, headers=headers)).status_code == 403
    refused = await http.get(
        "/graphql", params={"query": query, "variables": json.dumps(variables)}, headers=headers
    )
    assert refused.status_code == 400  # queries never run over GET
    assert await AuditEntry.all().count() == 0


async def test_a_head_of_an_original_or_an_export_is_refused_and_not_recorded(
    http: httpx.AsyncClient, world: World, original_urls: list[str]
) -> None:
    """The trail records what was opened: a HEAD (a link checker, a proxy) opens nothing."""
    for url in [*original_urls, export_url(world)]:
        response = await http.head(url, headers=as_manager(world))
        assert response.status_code == 405, url
        assert response.headers["allow"] == "GET"
    assert await AuditEntry.all().count() == 0
