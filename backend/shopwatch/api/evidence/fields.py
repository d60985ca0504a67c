"""What an incident, a photo and a shop show of their evidence, each answer within what the viewer
may see: statements only to managers, covering police, administrators and the witness themselves;
a shop's impact statement to them and the shop's own staff."""

from __future__ import annotations

from shopwatch.accounts.viewer import Viewer
from shopwatch.api.context import Info
from shopwatch.api.evidence.types import (
    BusinessImpactStatement,
    ExhibitRow,
    PoliceCase,
    PropertyLine,
    WitnessStatement,
)
from shopwatch.api.ids import encode_id
from shopwatch.evidence import access, models
from shopwatch.evidence.drafts import statement_draft
from shopwatch.evidence.statements import listed_exhibits
from shopwatch.incidents.models import Incident
from shopwatch.incidents.services import may_see_originals


async def police_case(info: Info, incident: Incident) -> PoliceCase | None:
    updates = await info.context.loaders.police_case.load(incident.id)
    return PoliceCase.from_updates(updates) if updates else None


async def statements(info: Info, incident: Incident) -> list[WitnessStatement]:
    viewer = info.context.viewer
    if viewer is None:
        return []
    loaders = info.context.loaders
    every = await loaders.statements_by_incident.load(incident.id)
    visible = [row for row in every if access.may_see_statement(viewer, incident, row)]
    if not visible:
        return []
    exhibits = await loaders.exhibits_by_incident.load(incident.id)
    photos = {photo.id: photo for photo in await loaders.photos_by_incident.load(incident.id)}
    originals = may_see_originals(viewer, incident.bid_id)
    answer = []
    for statement in visible:
        rows = [
            ExhibitRow(exhibit.reference, photos[exhibit.photo_id])
            for exhibit in listed_exhibits(statement, every, exhibits)
            if exhibit.photo_id in photos
        ]
        answer.append(WitnessStatement.from_model(statement, rows, originals))
    return answer


async def draft(info: Info, incident: Incident) -> str | None:
    viewer = info.context.viewer
    if viewer is None or not access.may_record_statement(viewer, incident):
        return None
    shop = await info.context.loaders.shop.load(incident.shop_id)
    assert shop is not None  # the foreign key guarantees it
    lines = await info.context.loaders.property_by_incident.load(incident.id)
    return statement_draft(incident, shop, lines)


async def property_lines(info: Info, incident: Incident) -> list[PropertyLine]:
    return [
        PropertyLine.from_model(line)
        for line in await info.context.loaders.property_by_incident.load(incident.id)
    ]


async def may_refer(info: Info, incident: Incident) -> bool:
    viewer = info.context.viewer
    if viewer is None or await info.context.loaders.police_case.load(incident.id):
        return False
    bid = await info.context.loaders.bid.load(incident.bid_id)
    return access.may_refer(viewer, incident, bid is not None and bid.staff_may_refer_to_police)


async def may_update_case(info: Info, incident: Incident) -> bool:
    viewer = info.context.viewer
    if viewer is None or not access.may_update_case(viewer, incident):
        return False
    return bool(await info.context.loaders.police_case.load(incident.id))


def may_record_statement(viewer: Viewer | None, incident: Incident) -> bool:
    return viewer is not None and access.may_record_statement(viewer, incident)


def evidence_pack_url(viewer: Viewer | None, incident: Incident) -> str | None:
    if viewer is None or not access.may_download_pack(viewer, incident):
        return None
    return access.evidence_pack_path(encode_id("Incident", incident.id))


async def exhibit_reference(info: Info, photo_id: int) -> str | None:
    exhibits = await info.context.loaders.exhibits_by_photo.load(photo_id)
    return exhibits[0].reference if exhibits else None


async def impact_statement(info: Info, shop_id: int, bid_id: int) -> BusinessImpactStatement | None:
    viewer = info.context.viewer
    if viewer is None or not access.may_see_impact(viewer, shop_id, bid_id):
        return None
    statement = await info.context.loaders.impact_statement.load(shop_id)
    return BusinessImpactStatement.from_model(statement) if statement else None


def statement_id(statement: models.WitnessStatement) -> str:
    return encode_id("WitnessStatement", statement.id)
