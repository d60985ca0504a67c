"""Suggesting who an unlinked incident's offender might be, with the reason, for a manager to confirm.

Two signals, both within the incident's own BID and never pointing at a merged-away record:
- a photo of the incident is perceptually alike a gallery photo (dHash Hamming distance at most
  `PHOTO_DISTANCE` of 64 bits);
- the incident's vehicle registration appears on incidents already linked to the offender.
An incident that already has an offender gets no suggestions, and an offender a manager said was
"not this person" (`dismiss_suggestion`) is never suggested for that incident again. Work is
batched: any number of incidents costs at most six queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from shopwatch.accounts.models import User
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident, Photo
from shopwatch.incidents.photo_hash import HASH_BITS, hamming_distance
from shopwatch.offenders.models import DismissedSuggestion, Offender, OffenderLink, OffenderPhoto

PHOTO_DISTANCE = 10
MAX_SUGGESTIONS = 10


@dataclass(frozen=True)
class IncidentKey:
    """What matching needs of an incident (hashable, so it can key a DataLoader)."""

    incident_id: int
    bid_id: int
    vehicle_registration: str | None


@dataclass(frozen=True)
class Suggestion:
    offender: Offender
    reason: str
    photo_distance: int | None  # the closest photo pair, in bits; None when only the vehicle matched
    vehicle_incidents: int  # the offender's incidents with the same registration


@dataclass
class _Evidence:
    photo_distance: int | None = None
    photo_index: int = 0
    vehicle_incidents: int = 0

    def reason(self, registration: str | None) -> str:
        parts = []
        if self.photo_distance is not None:
            parts.append(
                f"Photo {self.photo_index + 1} looks like a gallery photo "
                f"({self.photo_distance} of {HASH_BITS} bits differ)"
            )
        if self.vehicle_incidents:
            parts.append(f"Vehicle {registration} appears on {self.vehicle_incidents} of their incidents")
        return "; ".join(parts) + "."


def _distance(a: str, b: str) -> int | None:
    try:
        return hamming_distance(a, b)
    except ValueError:
        return None


async def suggest_offenders(keys: Sequence[IncidentKey]) -> list[list[Suggestion]]:
    """For each incident, the gallery offenders it might show, most alike first."""
    linked = set(
        await OffenderLink.filter(incident_id__in=[key.incident_id for key in keys]).values_list(
            "incident_id", flat=True
        )
    )
    open_keys = [key for key in keys if key.incident_id not in linked]
    if not open_keys:
        return [[] for _ in keys]
    bids = list({key.bid_id for key in open_keys})
    evidence: dict[int, dict[int, _Evidence]] = {key.incident_id: defaultdict(_Evidence) for key in open_keys}

    photo_hashes: dict[int, list[str]] = defaultdict(list)
    for incident_id, perceptual_hash in (
        await Photo.filter(incident_id__in=[key.incident_id for key in open_keys])
        .order_by("id")
        .values_list("incident_id", "perceptual_hash")
    ):
        photo_hashes[incident_id].append(perceptual_hash)
    if photo_hashes:
        gallery: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for offender_id, bid_id, perceptual_hash in await OffenderPhoto.filter(
            offender__bid_id__in=bids, offender__merged_into_id__isnull=True
        ).values_list("offender_id", "offender__bid_id", "perceptual_hash"):
            gallery[bid_id].append((offender_id, perceptual_hash))
        for key in open_keys:
            for index, incident_hash in enumerate(photo_hashes.get(key.incident_id, ())):
                for offender_id, gallery_hash in gallery.get(key.bid_id, ()):
                    distance = _distance(incident_hash, gallery_hash)
                    if distance is None or distance > PHOTO_DISTANCE:
                        continue
                    found = evidence[key.incident_id][offender_id]
                    if found.photo_distance is None or distance < found.photo_distance:
                        found.photo_distance, found.photo_index = distance, index

    registrations = {key.vehicle_registration for key in open_keys if key.vehicle_registration}
    if registrations:
        by_vehicle: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for offender_id, bid_id, registration in await OffenderLink.filter(
            incident__bid_id__in=bids,
            incident__vehicle_registration__in=list(registrations),
            offender__merged_into_id__isnull=True,
        ).values_list("offender_id", "incident__bid_id", "incident__vehicle_registration"):
            by_vehicle[(bid_id, registration)][offender_id] += 1
        for key in open_keys:
            if key.vehicle_registration:
                for offender_id, count in by_vehicle.get((key.bid_id, key.vehicle_registration), {}).items():
                    evidence[key.incident_id][offender_id].vehicle_incidents = count

    for incident_id, offender_id in await DismissedSuggestion.filter(
        incident_id__in=[key.incident_id for key in open_keys]
    ).values_list("incident_id", "offender_id"):
        evidence[incident_id].pop(offender_id, None)

    offender_ids = {offender_id for found in evidence.values() for offender_id in found}
    offenders = {row.id: row for row in await Offender.filter(id__in=list(offender_ids))}
    results = []
    for key in keys:
        ranked = sorted(
            evidence.get(key.incident_id, {}).items(),
            key=lambda item: (
                item[1].photo_distance if item[1].photo_distance is not None else HASH_BITS + 1,
                -item[1].vehicle_incidents,
                item[0],
            ),
        )
        results.append(
            [
                Suggestion(
                    offender=offenders[offender_id],
                    reason=why.reason(key.vehicle_registration),
                    photo_distance=why.photo_distance,
                    vehicle_incidents=why.vehicle_incidents,
                )
                for offender_id, why in ranked[:MAX_SUGGESTIONS]
                if offender_id in offenders
            ]
        )
    return results


async def dismiss_suggestion(incident: Incident, offender: Offender, dismissed_by: User) -> bool:
    """Remember that `offender` is not who the incident shows; True when newly remembered. Two racing
    calls remember it once: the loser's insert fails inside its savepoint."""
    if offender.bid_id != incident.bid_id:
        raise InvalidInput("offenderId", "Pick an offender from this BID's gallery.")
    if await OffenderLink.exists(incident_id=incident.id, offender_id=offender.id):
        raise InvalidInput("offenderId", "This offender is linked to the incident: unlink them instead.")
    if await DismissedSuggestion.exists(incident_id=incident.id, offender_id=offender.id):
        return False
    try:
        async with in_transaction():
            await DismissedSuggestion.create(
                incident_id=incident.id,
                offender_id=offender.id,
                dismissed_by=dismissed_by,
                dismissed_at=now(),
            )
    except IntegrityError:
        return False
    return True
