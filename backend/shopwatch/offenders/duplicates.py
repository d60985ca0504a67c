"""Possible duplicates: other records of the same BID's gallery that may be the same person, for a
manager to merge.

Two signals: a photo of one is perceptually alike a photo of the other (the same dHash distance as
the incident suggestions), or both have the same name once case, spaces and punctuation are set
aside ("Red cap" and "red-cap"). Never a record merged into another or one the retention purge has
emptied. Batched: any number of records costs three queries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from shopwatch.incidents.photo_hash import HASH_BITS, hamming_distance
from shopwatch.offenders.matching import MAX_SUGGESTIONS, PHOTO_DISTANCE
from shopwatch.offenders.models import Offender, OffenderPhoto

_NOT_A_LETTER = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    return _NOT_A_LETTER.sub("", name.casefold())


def _distance(a: str, b: str) -> int | None:
    try:
        return hamming_distance(a, b)
    except ValueError:
        return None


async def possible_duplicates(offender_ids: Sequence[int]) -> list[list[Offender]]:
    """For each record, the others of its BID that look alike: closest photo first, then by name."""
    wanted = list(offender_ids)
    records = {row.id: row for row in await Offender.filter(id__in=wanted)}
    bids = list({row.bid_id for row in records.values()})
    if not bids:
        return [[] for _ in wanted]
    candidates = {
        row.id: row
        for row in await Offender.filter(
            bid_id__in=bids, merged_into_id__isnull=True, redacted_at__isnull=True
        )
    }
    hashes: dict[int, list[str]] = defaultdict(list)
    for offender_id, perceptual_hash in await OffenderPhoto.filter(
        offender_id__in=list(candidates.keys() | records.keys())
    ).values_list("offender_id", "perceptual_hash"):
        hashes[offender_id].append(perceptual_hash)

    results: list[list[Offender]] = []
    for pk in wanted:
        record = records.get(pk)
        if record is None or record.redacted_at is not None or record.merged_into_id is not None:
            results.append([])
            continue
        key = name_key(record.display_name)
        ranked: list[tuple[int, int, Offender]] = []
        for other in candidates.values():
            if other.id == record.id or other.bid_id != record.bid_id:
                continue
            distances = [
                distance
                for mine in hashes.get(record.id, ())
                for theirs in hashes.get(other.id, ())
                if (distance := _distance(mine, theirs)) is not None
            ]
            closest = min(distances, default=HASH_BITS + 1)
            same_name = bool(key) and name_key(other.display_name) == key
            if closest <= PHOTO_DISTANCE or same_name:
                ranked.append((closest, other.id, other))
        ranked.sort(key=lambda item: (item[0], item[1]))
        results.append([other for _, _, other in ranked[:MAX_SUGGESTIONS]])
    return results
