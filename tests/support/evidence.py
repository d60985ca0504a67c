"""Evidence for tests: a drawn signature as a phone's canvas sends it, a statement to sign, and a
staff report with real photos."""

from __future__ import annotations

import base64
import io
import uuid
from datetime import timedelta
from typing import Any

from PIL import Image, ImageDraw

from shopwatch.accounts.models import Role
from shopwatch.actions.acting import acting_as
from shopwatch.actions.incidents import report_incident
from shopwatch.actions.photos import PhotoFile
from shopwatch.core.clock import now
from shopwatch.evidence.statements import StatementInput
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.incidents.services import IncidentReport
from shopwatch.settings import Settings
from tests.support.images import jpeg, scene
from tests.support.world import World


def signature_png(size: tuple[int, int] = (600, 200), ink: bool = True) -> bytes:
    """A transparent canvas with a scribble on it, as `canvas.toDataURL()` gives."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if ink:
        width, height = size
        ImageDraw.Draw(image).line(
            [
                (width * 0.1, height * 0.7),
                (width * 0.3, height * 0.2),
                (width * 0.5, height * 0.8),
                (width * 0.9, height * 0.3),
            ],
            fill=(0, 0, 0, 255),
            width=4,
        )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def signature_url(data: bytes | None = None) -> str:
    return "data:image/png;base64," + base64.b64encode(data or signature_png()).decode("ascii")


def statement_input(**changes: Any) -> StatementInput:
    values: dict[str, Any] = {
        "witness_name": "Mary Ann Smith",
        "occupation": "Shop assistant",
        "over_18": True,
        "text": "At about 14:05 I saw a man in a red cap put two bottles of gin in his coat.",
        "signature_image": signature_url(),
        "typed_name": "Mary Ann Smith",
    }
    return StatementInput(**{**values, **changes})


async def staff_report_with_photos(world: World, settings: Settings, photos: int = 2) -> Incident:
    """A theft reported by the home town's shop staff at its first shop, with real photos."""
    staff = await acting_as(world.home.users[Role.SHOP_STAFF], settings)
    report = IncidentReport(
        client_id=uuid.uuid4(),
        kind=IncidentKind.THEFT,
        occurred_at=now() - timedelta(hours=1),
        description="Two bottles of gin taken from the spirits aisle.",
        injury=False,
    )
    files = [PhotoFile.of_bytes(f"photo{n}.jpg", jpeg(scene(n, (320, 240)))) for n in range(photos)]
    reported = await report_incident(staff, world.home.shops[0], report, photos=files)
    assert reported.photo_errors == []
    return reported.incident
