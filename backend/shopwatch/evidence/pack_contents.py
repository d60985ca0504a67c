"""What goes into an incident's evidence pack, read from the database: its documents as PDFs, where
each photo goes in the pack, and the audit entries that make up its continuity log.

The PDFs are filled from plain values (`evidence.documents`) and rendered in a worker thread; the
summary lists each statement and exhibit with the file the pack holds it in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q

from shopwatch.accounts.models import User
from shopwatch.core.audit.models import AuditEntry
from shopwatch.evidence.checks import initials
from shopwatch.evidence.classification import classify
from shopwatch.evidence.declaration import DECLARATION_AS_SIGNED
from shopwatch.evidence.documents import (
    CaseEvent,
    ExhibitEntry,
    ImpactStatementEntry,
    IncidentSummaryDocument,
    PropertyItem,
    StatementDocument,
    StatementEntry,
)
from shopwatch.evidence.models import BusinessImpactStatement, Exhibit, PoliceCaseUpdate, WitnessStatement
from shopwatch.evidence.pdf import render_incident_summary, render_statement
from shopwatch.evidence.reading import (
    exhibits_of,
    impact_statement_of,
    police_case_of,
    property_of,
    statements_of,
)
from shopwatch.evidence.statements import chain_of, listed_exhibits
from shopwatch.incidents.models import Incident, IncidentStatus, IncidentStatusChange, Photo
from shopwatch.offenders.models import OffenderLink
from shopwatch.places.models import Bid, Shop

SUMMARY = "incident-summary.pdf"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}


@dataclass(frozen=True)
class PackDocument:
    path: str  # inside the pack's folder
    data: bytes


@dataclass(frozen=True)
class Evidence:
    """The incident's statements and exhibits, and where the pack puts each."""

    incident: Incident
    statements: list[WitnessStatement]
    exhibits: list[Exhibit]  # with their photos
    statement_paths: dict[int, str]  # statement id -> its PDF in the pack
    photo_paths: dict[int, str]  # photo id -> its original in the pack


def folder_of(incident: Incident) -> str:
    return incident.reference or f"incident-{incident.id}"


async def evidence_of(incident: Incident, photos: Sequence[Photo]) -> Evidence:
    statements = await statements_of(incident)
    exhibits = await exhibits_of(incident)
    references = {exhibit.photo_id: exhibit.reference for exhibit in exhibits}
    photo_paths = {}
    for photo in photos:
        extension = EXTENSIONS.get(photo.content_type, "heif")
        reference = references.get(photo.id)
        # "MS/1" names a file as MS-1: a slash would make a folder.
        name = f"exhibits/{reference.replace('/', '-')}" if reference else f"photos/{photo.sha256}"
        photo_paths[photo.id] = f"{name}.{extension}"
    return Evidence(incident, statements, exhibits, _statement_paths(incident, statements), photo_paths)


def _statement_paths(incident: Incident, statements: Sequence[WitnessStatement]) -> dict[int, str]:
    """`<REFERENCE>-MG11-<initials>-v<version>.pdf`; a second witness with the same initials is MS2."""
    roots: dict[int, str] = {}  # the first version's id -> the letters its chain goes by
    paths = {}
    for statement in statements:
        root = chain_of(statement.id, statements)[-1]
        if root not in roots:
            letters = initials(statement.witness_name)
            taken = sum(1 for used in roots.values() if used.rstrip("0123456789") == letters)
            roots[root] = letters if taken == 0 else f"{letters}{taken + 1}"
        paths[statement.id] = f"statements/{folder_of(incident)}-MG11-{roots[root]}-v{statement.version}.pdf"
    return paths


async def documents(evidence: Evidence, prepared_by: str, prepared_at: datetime) -> list[PackDocument]:
    """The incident summary, then every version of every statement, as PDFs."""
    summary = await _summary(evidence, prepared_by, prepared_at)
    statements = [await _statement(evidence, statement) for statement in evidence.statements]
    rendered = [
        PackDocument(SUMMARY, await asyncio.to_thread(render_incident_summary, summary)),
        *[
            PackDocument(
                evidence.statement_paths[statement.id], await asyncio.to_thread(render_statement, doc)
            )
            for statement, doc in zip(evidence.statements, statements, strict=True)
        ],
    ]
    return rendered


def _what(exhibit: Exhibit) -> str:
    photo: Photo = exhibit.photo  # type: ignore[assignment]
    return f"Photograph, {photo.width} x {photo.height} pixels, as taken (original file)"


async def _names(user_ids: Sequence[int | None]) -> dict[int, str]:
    wanted = {pk for pk in user_ids if pk is not None}
    if not wanted:
        return {}
    return {user.id: user.name for user in await User.filter(id__in=wanted)}


async def _statement(evidence: Evidence, statement: WitnessStatement) -> StatementDocument:
    by_id = {row.id: row for row in evidence.statements}
    replaced = by_id.get(statement.replaces_id) if statement.replaces_id is not None else None
    names = await _names([statement.taken_by_id])
    taken_by = (
        names.get(statement.taken_by_id)
        if statement.taken_by_id is not None and statement.taken_by_id != statement.witness_user_id
        else None
    )
    return StatementDocument(
        reference=folder_of(evidence.incident),
        witness_name=statement.witness_name,
        occupation=statement.occupation,
        over_18=statement.over_18,
        text=statement.text,
        declaration=DECLARATION_AS_SIGNED,
        signed_name=statement.signed_name,
        signed_at=statement.signed_at,
        signature_png=bytes(statement.signature_png),
        exhibits=[
            (exhibit.reference, _what(exhibit))
            for exhibit in listed_exhibits(statement, evidence.statements, evidence.exhibits)
        ],
        version=statement.version,
        replaces_version=replaced.version if replaced is not None else None,
        sha256=statement.sha256,
        police_reference=evidence.incident.police_reference,
        taken_by=taken_by,
    )


async def _summary(evidence: Evidence, prepared_by: str, prepared_at: datetime) -> IncidentSummaryDocument:
    incident = evidence.incident
    shop = await Shop.get(id=incident.shop_id)
    bid = await Bid.get(id=incident.bid_id)
    impact = await impact_statement_of(shop)
    statements_by_id = {statement.id: statement for statement in evidence.statements}
    offenders = await OffenderLink.filter(incident_id=incident.id).order_by("id").prefetch_related("offender")
    reporter = await _names([incident.reporter_id])
    return IncidentSummaryDocument(
        reference=folder_of(incident),
        kind=incident.kind.value,
        classification=classify(incident.kind, incident.injury),
        occurred_at=incident.occurred_at,
        reported_at=incident.reported_at,
        reported_by=reporter.get(incident.reporter_id) if incident.reporter_id is not None else None,
        shop_name=shop.name,
        shop_address=shop.address,
        shop_postcode=shop.postcode,
        bid_name=bid.name,
        description=incident.description,
        value_stolen_pence=incident.value_stolen_pence,
        injury=incident.injury,
        police_reference=incident.police_reference,
        vehicle_registration=incident.vehicle_registration,
        offenders=[link.offender.display_name for link in offenders],
        property=[
            PropertyItem(line.description, line.quantity, line.unit_price_pence, line.recovered)
            for line in await property_of(incident)
        ],
        case_history=await _case_history(incident),
        statements=[
            StatementEntry(
                statement.witness_name,
                statement.version,
                statements_by_id[statement.replaces_id].version if statement.replaces_id else None,
                statement.signed_at,
                statement.sha256,
                evidence.statement_paths[statement.id],
            )
            for statement in evidence.statements
        ],
        exhibits=[
            ExhibitEntry(
                exhibit.reference,
                _what(exhibit),
                statements_by_id[exhibit.statement_id].witness_name,
                exhibit.photo.sha256,  # type: ignore[attr-defined]
                evidence.photo_paths.get(exhibit.photo_id),
            )
            for exhibit in sorted(evidence.exhibits, key=lambda exhibit: natural(exhibit.reference))
        ],
        impact_statement=(
            ImpactStatementEntry(impact.text, impact.author_name, impact.position, impact.recorded_at)
            if impact is not None
            else None
        ),
        prepared_at=prepared_at,
        prepared_by=prepared_by,
    )


async def _case_history(incident: Incident) -> list[CaseEvent]:
    """The police case's steps and the report's own status changes, oldest first. The change to
    REFERRED_TO_POLICE is left out: the referral (REPORTED) is the same step."""
    updates: list[PoliceCaseUpdate] = await police_case_of(incident)
    changes = [
        change
        for change in await IncidentStatusChange.filter(incident_id=incident.id).order_by("id")
        if change.status != IncidentStatus.REFERRED_TO_POLICE
    ]
    names = await _names([u.by_user_id for u in updates] + [c.changed_by_id for c in changes])
    events = [
        CaseEvent(u.at, u.state.value, u.note, names.get(u.by_user_id or 0), u.crime_reference)
        for u in updates
    ] + [CaseEvent(c.changed_at, c.status.value, c.note, names.get(c.changed_by_id or 0)) for c in changes]
    return sorted(events, key=lambda event: event.at)


def natural(reference: str) -> tuple[str, int]:
    """MS/2 before MS/10."""
    letters, _, number = reference.partition("/")
    return letters, int(number) if number.isdigit() else 0


async def continuity_entries(incident: Incident, evidence: Evidence) -> list[AuditEntry]:
    """Every audit entry about the incident, its photos or its statements, naming the incident in
    its detail (an offender linked to it, say), or recording the impact statement its summary
    shows, in the chain's order."""
    photo_ids = await Photo.filter(incident_id=incident.id).values_list("id", flat=True)
    subjects = [
        f"Incident:{incident.id}",
        *(f"Photo:{pk}" for pk in photo_ids),
        *(f"WitnessStatement:{statement.id}" for statement in evidence.statements),
    ]
    wanted = Q(subject__in=subjects) | (Q(bid_id=incident.bid_id) & _mentions("incident", incident.id))
    impact = await BusinessImpactStatement.filter(shop_id=incident.shop_id).order_by("-id").first()
    if impact is not None:
        wanted |= Q(subject=f"Shop:{incident.shop_id}", action="impact_statement.record") & _mentions(
            "statement", impact.id
        )
    return await AuditEntry.filter(wanted).order_by("id")


def _mentions(key: str, pk: int) -> Q:
    # The detail is canonical JSON, so the key's value is followed by `,` or `}`: "incident":12
    # never matches "incident":123.
    return Q(detail__contains=f'"{key}":{pk},') | Q(detail__contains=f'"{key}":{pk}}}')
