"""Reports with photos as a phone sends them (GraphQL multipart, bearer token), in concurrent bursts."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.support.images import jpeg, scene

REPORT = """
mutation Report($input: ReportIncidentInput!) {
  reportIncident(input: $input) {
    __typename
    ... on ReportIncidentSuccess {
      duplicate
      photoErrors { field message }
      incident { clientId photos { sha256 } }
    }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""

REQUEST_TIMEOUT = httpx.Timeout(30.0)


@dataclass(frozen=True)
class Report:
    client_id: str
    shop_id: str
    photos: tuple[bytes, ...]
    vehicle_registration: str | None = None

    def variables(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "clientId": self.client_id,
            "shopId": self.shop_id,
            "kind": "THEFT",
            "occurredAt": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
            "description": "Meat joints taken from the chiller.",
            "valueStolenPence": 4250,
            "photos": [None] * len(self.photos),
        }
        if self.vehicle_registration:
            values["vehicleRegistration"] = self.vehicle_registration
        return {"input": values}


def reports_with_photos(shop_id: str, count: int, photos_each: int, first_seed: int = 0) -> list[Report]:
    """`count` reports, each with its own distinct photos, so every photo has its own files."""
    return [
        Report(
            client_id=str(uuid.uuid4()),
            shop_id=shop_id,
            photos=tuple(
                jpeg(scene(first_seed + n * photos_each + p, size=(640, 480))) for p in range(photos_each)
            ),
        )
        for n in range(count)
    ]


async def send(client: httpx.AsyncClient, report: Report, token: str) -> httpx.Response:
    operations = {"query": REPORT, "variables": report.variables()}
    if not report.photos:
        return await client.post("/graphql", json=operations, headers={"Authorization": f"Bearer {token}"})
    files = {str(n): (f"photo{n}.jpg", data, "image/jpeg") for n, data in enumerate(report.photos)}
    return await client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({str(n): [f"variables.input.photos.{n}"] for n in range(len(report.photos))}),
        },
        files=files,
        headers={"Authorization": f"Bearer {token}"},
    )


def acknowledgement(response: httpx.Response) -> dict[str, Any] | None:
    """The stored report, if the server said it kept it; None for any other answer."""
    if response.status_code != 200:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    result = (body.get("data") or {}).get("reportIncident") or {}
    if result.get("__typename") != "ReportIncidentSuccess":
        return None
    return dict(result)


@dataclass
class Burst:
    """What the clients saw: acknowledged reports by clientId, and every other answer."""

    acknowledged: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused: list[httpx.Response] = field(default_factory=list)
    transport_errors: list[httpx.TransportError] = field(default_factory=list)  # connection refused or cut
    timeouts: list[httpx.TimeoutException] = field(default_factory=list)


async def send_burst(
    base_url: str,
    token: str,
    reports: Sequence[Report],
    clients: int,
    on_acknowledged: Callable[[int], None] = lambda count: None,
) -> Burst:
    """Send `reports` from `clients` concurrent phones, each sending its share one after another.
    `on_acknowledged(n)` runs after the n-th acknowledgement, to inject a fault at a chosen moment."""
    burst = Burst()
    queue: asyncio.Queue[Report] = asyncio.Queue()
    for report in reports:
        queue.put_nowait(report)

    async def phone() -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
            while not queue.empty():
                report = queue.get_nowait()
                try:
                    response = await send(client, report, token)
                except httpx.TimeoutException as error:
                    burst.timeouts.append(error)
                    continue
                except httpx.TransportError as error:
                    burst.transport_errors.append(error)
                    continue
                if (stored := acknowledgement(response)) is None:
                    burst.refused.append(response)
                    continue
                burst.acknowledged[report.client_id] = stored
                on_acknowledged(len(burst.acknowledged))

    await asyncio.gather(*(phone() for _ in range(clients)))
    return burst


async def send_until_acknowledged(
    base_url: str,
    token: str,
    reports: Sequence[Report],
    phones: int,
    retry_pause: float,
    deadline_seconds: float,
    burst: Burst,
) -> None:
    """Phones that keep every report until the server acknowledges it, sending it again (same
    clientId) after `retry_pause` whatever went wrong. What they see is recorded in `burst` as it
    happens, for a test to inject a fault at a chosen moment."""
    queue: asyncio.Queue[Report] = asyncio.Queue()
    for report in reports:
        queue.put_nowait(report)
    deadline = time.monotonic() + deadline_seconds

    async def phone() -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
            while len(burst.acknowledged) < len(reports) and time.monotonic() < deadline:
                try:
                    report = queue.get_nowait()
                except asyncio.QueueEmpty:  # the rest are with other phones
                    await asyncio.sleep(retry_pause)
                    continue
                stored = None
                try:
                    response = await send(client, report, token)
                    if (stored := acknowledgement(response)) is None:
                        burst.refused.append(response)
                except httpx.TimeoutException as error:
                    burst.timeouts.append(error)
                except httpx.TransportError as error:
                    burst.transport_errors.append(error)
                if stored is not None:
                    burst.acknowledged[report.client_id] = stored
                if stored is None:
                    await asyncio.sleep(retry_pause)
                    queue.put_nowait(report)

    await asyncio.gather(*(phone() for _ in range(phones)))
