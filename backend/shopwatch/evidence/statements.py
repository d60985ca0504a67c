"""Signing witness statements and producing exhibits.

A statement is written once and never updated: a correction is a new row that `replaces` the
latest version of its chain, with the next version number. The photos it produces become exhibits
numbered by the witness's initials ("MS/1", "MS/2"; a second "MS" witness goes on at "MS/3"); a
photo keeps the reference it first got. The statement's SHA-256 covers what was signed (sealing.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from shopwatch.accounts.models import User
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.evidence.checks import MAX_TEXT, check_name, check_text, initials, same_name
from shopwatch.evidence.models import Exhibit, WitnessStatement
from shopwatch.evidence.sealing import SignedContent, statement_sha256
from shopwatch.evidence.signatures import decode_signature
from shopwatch.incidents.models import Incident, Photo

_NUMBER = re.compile(r"/(\d+)$")


@dataclass(frozen=True)
class StatementInput:
    """What the witness gives, as sent; checked by `sign`."""

    witness_name: str
    occupation: str
    over_18: bool
    text: str
    signature_image: str  # PNG, as a data URL or base64
    typed_name: str
    replaces_id: int | None = None
    exhibit_photo_ids: Sequence[int] | None = None  # None: every photo not yet an exhibit


@dataclass(frozen=True)
class Signed:
    statement: WitnessStatement
    exhibits: list[Exhibit]  # every exhibit the statement lists, its own new ones included
    produced: list[Exhibit]  # the ones it made


def chain_of(statement_id: int, statements: Sequence[WitnessStatement]) -> list[int]:
    """The ids of a statement and every version it corrects, newest first."""
    by_id = {row.id: row for row in statements}
    chain: list[int] = []
    current: int | None = statement_id
    while current is not None and current in by_id and current not in chain:
        chain.append(current)
        current = by_id[current].replaces_id
    return chain


def listed_exhibits(
    statement: WitnessStatement, statements: Sequence[WitnessStatement], exhibits: Sequence[Exhibit]
) -> list[Exhibit]:
    """What a statement lists: the exhibits it and the versions it corrects produced, in order."""
    chain = set(chain_of(statement.id, statements))
    return [exhibit for exhibit in exhibits if exhibit.statement_id in chain]


def _check(given: StatementInput) -> tuple[str, str, str, str, bytes]:
    witness = check_name("witnessName", given.witness_name, "the witness's name")
    occupation = check_name("occupation", given.occupation, "the witness's occupation")
    text = check_text("text", given.text, MAX_TEXT)
    typed = check_name("signature.typedName", given.typed_name, "the name as signed")
    if not same_name(typed, witness):
        raise InvalidInput("signature.typedName", "Type the witness's name as given above to sign.")
    return witness, occupation, text, typed, decode_signature(given.signature_image)


async def _replaced(incident: Incident, replaces_id: int | None) -> WitnessStatement | None:
    if replaces_id is None:
        return None
    replaced = await WitnessStatement.get_or_none(id=replaces_id, incident_id=incident.id)
    if replaced is None:
        raise InvalidInput("replacesId", "There is no such statement for this incident.")
    later = await WitnessStatement.filter(replaces_id=replaced.id).first()
    if later is not None:
        raise InvalidInput(
            "replacesId", f"Version {later.version} already corrects this statement: correct that one."
        )
    return replaced


async def _photos(incident: Incident, photo_ids: Sequence[int] | None, chain: set[int]) -> list[Photo]:
    """The photos the statement produces anew, in the incident's order."""
    photos = await Photo.filter(incident_id=incident.id).order_by("id")
    taken = {row.photo_id: row for row in await Exhibit.filter(incident_id=incident.id)}
    if photo_ids is None:
        return [photo for photo in photos if photo.id not in taken]
    wanted = list(dict.fromkeys(photo_ids))
    known = {photo.id for photo in photos}
    if any(pk not in known for pk in wanted):
        raise InvalidInput("exhibitPhotoIds", "One of these photos is not a photo of this incident.")
    for pk in wanted:
        exhibit = taken.get(pk)
        if exhibit is not None and exhibit.statement_id not in chain:
            raise InvalidInput(
                "exhibitPhotoIds", f"Photo {exhibit.reference} is already another witness's exhibit."
            )
    return [photo for photo in photos if photo.id in wanted and photo.id not in taken]


async def _next_number(incident_id: int, letters: str) -> int:
    references = await Exhibit.filter(
        incident_id=incident_id, reference__startswith=f"{letters}/"
    ).values_list("reference", flat=True)
    numbers = [int(match.group(1)) for ref in references if (match := _NUMBER.search(str(ref)))]
    return max(numbers, default=0) + 1


async def sign(
    incident: Incident, given: StatementInput, *, witness_user: User | None, taken_by: User | None
) -> Signed:
    """Check, seal and store a statement with the exhibits it produces. Call inside the action's
    transaction; the incident row is locked, so two statements at once number their exhibits and
    versions one after the other. `InvalidInput` names the field that will not do."""
    witness, occupation, text, typed, png = _check(given)
    incident = await Incident.filter(id=incident.id).select_for_update().get()
    replaced = await _replaced(incident, given.replaces_id)
    statements = await WitnessStatement.filter(incident_id=incident.id).order_by("id")
    chain = set(chain_of(replaced.id, statements)) if replaced is not None else set()
    photos = await _photos(incident, given.exhibit_photo_ids, chain)
    moment = now().replace(microsecond=0)
    existing = [
        exhibit
        for exhibit in await Exhibit.filter(incident_id=incident.id).order_by("id").prefetch_related("photo")
        if exhibit.statement_id in chain
    ]
    letters = initials(witness)
    number = await _next_number(incident.id, letters)
    new_references = [(f"{letters}/{number + n}", photo) for n, photo in enumerate(photos)]
    listed = [(exhibit.reference, exhibit.photo.sha256) for exhibit in existing]  # type: ignore[attr-defined]
    listed += [(reference, photo.sha256) for reference, photo in new_references]
    statement = WitnessStatement(
        incident_id=incident.id,
        version=replaced.version + 1 if replaced is not None else 1,
        replaces_id=replaced.id if replaced is not None else None,
        witness_user=witness_user,
        taken_by=taken_by,
        witness_name=witness,
        occupation=occupation,
        over_18=given.over_18,
        text=text,
        signed_name=typed,
        signed_at=moment,
        signature_png=png,
        created_at=moment,
    )
    # Sealed before it is first saved: the row is written once, hash and all.
    statement.sha256 = statement_sha256(signed_content(statement, incident, replaced, listed))
    await statement.save()
    produced = [
        await Exhibit.create(incident_id=incident.id, photo=photo, statement=statement, reference=reference)
        for reference, photo in new_references
    ]
    return Signed(statement=statement, exhibits=[*existing, *produced], produced=produced)


def signed_content(
    statement: WitnessStatement,
    incident: Incident,
    replaced: WitnessStatement | None,
    exhibits: Sequence[tuple[str, str]],
) -> SignedContent:
    """What a stored statement's hash covers, to work it out again (the evidence pack, a check)."""
    return SignedContent(
        incident_id=incident.id,
        incident_reference=incident.reference,
        version=statement.version,
        replaces_id=statement.replaces_id,
        replaces_sha256=replaced.sha256 if replaced is not None else None,
        witness_user_id=statement.witness_user_id,
        taken_by_id=statement.taken_by_id,
        witness_name=statement.witness_name,
        occupation=statement.occupation,
        over_18=statement.over_18,
        text=statement.text,
        signed_name=statement.signed_name,
        signed_at=statement.signed_at,
        signature_png=bytes(statement.signature_png),
        created_at=statement.created_at,
        exhibits=exhibits,
    )
