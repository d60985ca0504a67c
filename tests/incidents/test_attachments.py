"""Keeping a photo against its incident: the work around the pipeline."""

from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest

from shopwatch.accounts.models import Role
from shopwatch.actions.incidents import report_incident
from shopwatch.core.clock import now
from shopwatch.incidents.attachments import attach_photo
from shopwatch.incidents.models import IncidentKind, Photo
from shopwatch.incidents.services import IncidentReport
from shopwatch.settings import Settings
from tests.actions import acting
from tests.support.images import jpeg, scene
from tests.support.world import World


async def test_a_photo_is_hashed_once_and_not_on_the_event_loop(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = await acting(world, settings, Role.SHOP_STAFF)
    report = IncidentReport(
        client_id=uuid.uuid4(),
        kind=IncidentKind.THEFT,
        occurred_at=now() - timedelta(minutes=5),
        description="Two bottles of gin taken from behind the counter.",
    )
    incident = (await report_incident(staff, world.home.shops[0], report)).incident
    photo = jpeg(scene(4, (1200, 900)))
    hashed_on: list[int] = []
    sha256 = hashlib.sha256

    def counting_sha256(data: Any = b"", **options: Any) -> Any:
        if len(data) == len(photo):
            hashed_on.append(threading.get_ident())
        return sha256(data, **options)

    monkeypatch.setattr(hashlib, "sha256", counting_sha256)
    kept = await attach_photo(incident, photo, staff.store)

    assert kept.sha256 == sha256(photo).hexdigest()
    assert len(hashed_on) == 1  # the duplicate check and the file names share one hash
    assert hashed_on[0] != threading.get_ident()  # worked out in a thread, not on the event loop
    assert await attach_photo(incident, photo, staff.store) == kept  # a retried upload: found again
    assert await Photo.filter(incident_id=incident.id).count() == 1
