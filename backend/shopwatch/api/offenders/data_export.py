"""`exportOffenderData`: a subject-access export of one gallery record, for the BID's managers."""

from __future__ import annotations

from datetime import datetime

import strawberry
from graphql import GraphQLError

from shopwatch.actions import access
from shopwatch.alerts.scope import visible_alerts
from shopwatch.api.alerts.types import Alert
from shopwatch.api.context import Info
from shopwatch.api.ids import decode_id, encode_id
from shopwatch.api.incidents.types import Incident
from shopwatch.api.offenders.types import Exclusion, Offender, OffenderPhoto
from shopwatch.core.clock import now
from shopwatch.offenders import gallery
from shopwatch.offenders import models as offender_models

FOR_MANAGERS = "Subject-access exports are for the BID's managers and administrators."


@strawberry.type(description="A record of the same person merged into this one.")
class MergedRecord:
    id: strawberry.ID
    display_name: str
    description: str
    created_at: datetime

    @classmethod
    def from_model(cls, offender: offender_models.Offender) -> MergedRecord:
        return cls(
            id=encode_id("Offender", offender.id),
            display_name=offender.display_name,
            description=offender.description,
            created_at=offender.created_at,
        )


@strawberry.type(description="Someone looked at the record or its photos, or changed it.")
class AccessLogEntry:
    at: datetime
    actor: str
    action: str


@strawberry.type(description="Everything held on one person, for a subject-access request.")
class OffenderDataExport:
    exported_at: datetime
    offender: Offender
    merged_records: list[MergedRecord]
    photos: list[OffenderPhoto]
    exclusions: list[Exclusion]
    incidents: list[Incident]
    alerts: list[Alert]
    access_log: list[AccessLogEntry]


async def export_offender_data(info: Info, offender_id: strawberry.ID) -> OffenderDataExport | None:
    viewer = info.context.viewer
    assert viewer is not None
    pk = decode_id("Offender", offender_id)
    offender = await gallery.visible_offenders(viewer).get_or_none(id=pk) if pk else None
    if offender is None:
        return None
    if not viewer.manages_bid(offender.bid_id):
        raise GraphQLError(FOR_MANAGERS)
    held = await access.export_offender_data(info.context.acting, offender)
    alerts = await visible_alerts(viewer).filter(offender_id=offender.id).order_by("created_at", "id")
    return OffenderDataExport(
        exported_at=now(),
        offender=Offender.from_model(offender),
        merged_records=[MergedRecord.from_model(merged) for merged in held.merged_records],
        photos=[OffenderPhoto.from_model(photo, originals=True) for photo in held.photos],
        exclusions=[Exclusion.from_model(exclusion) for exclusion in held.exclusions],
        incidents=[Incident.from_model(incident) for incident in held.incidents],
        alerts=[Alert.from_model(alert) for alert in alerts],
        access_log=[AccessLogEntry(at=e.at, actor=e.actor, action=e.action) for e in held.access_log],
    )
