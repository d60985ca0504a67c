"""Incidents that tests store directly, without `reportIncident`, get a reference the same way a
report does, so the (bid, reference) constraint holds for them too."""

from __future__ import annotations

from typing import Any

from tortoise.signals import pre_save

from shopwatch.core.clock import now
from shopwatch.incidents.models import Incident
from shopwatch.incidents.services import new_reference


@pre_save(Incident)
async def give_reference(
    sender: type[Incident], instance: Incident, using_db: Any, update_fields: Any
) -> None:
    if not instance.reference:
        instance.reference = await new_reference(instance.bid_id, instance.reported_at or now())
