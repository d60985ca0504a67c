"""Shared documents and builders for the incident API tests."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image

REPORT = """
mutation Report($input: ReportIncidentInput!) {
  reportIncident(input: $input) {
    __typename
    ... on ReportIncidentSuccess {
      duplicate
      photoErrors { field message }
      incident {
        id clientId kind occurredAt description valueStolenPence policeReference vehicleRegistration injury
        shop { id } reporter { email } offenders { id }
        photos { id url thumbnailUrl originalUrl width height sha256 }
      }
    }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""


def report_input(shop_id: str, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "clientId": str(uuid.uuid4()),
        "shopId": shop_id,
        "kind": "THEFT",
        "occurredAt": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
        "description": "Two bottles of whisky taken from the aisle end.",
        "valueStolenPence": 5998,
    }
    values.update(changes)
    return values


def jpeg_bytes(width: int = 640, height: int = 480, colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 16):  # some detail, so it is a real photo-like file
        image.putpixel((x, x % height), (x % 256, 255 - x % 256, 90))
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()
