"""A signed statement's SHA-256: of the canonical JSON of everything signed, so anyone holding the
statement (the evidence pack, a court) can work it out again and compare it with the audit trail.

Canonical JSON: keys sorted, no spaces, UTF-8 as written (not \\u escapes), times as ISO-8601 in
UTC to the second, the signature PNG in base64, exhibits as [reference, photo SHA-256] in order.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from shopwatch.evidence.declaration import DECLARATION_AS_SIGNED

FORMAT = "shopwatch-statement/1"


@dataclass(frozen=True)
class SignedContent:
    """Everything a statement's hash covers."""

    incident_id: int
    incident_reference: str
    version: int
    replaces_id: int | None
    replaces_sha256: str | None
    witness_user_id: int | None
    taken_by_id: int | None
    witness_name: str
    occupation: str
    over_18: bool
    text: str
    signed_name: str
    signed_at: datetime
    signature_png: bytes
    created_at: datetime
    exhibits: Sequence[tuple[str, str]]  # (reference, photo SHA-256)
    declaration: str = DECLARATION_AS_SIGNED


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def canonical_json(content: SignedContent) -> bytes:
    document = {
        "format": FORMAT,
        "incident": {"id": content.incident_id, "reference": content.incident_reference},
        "version": content.version,
        "replaces": (
            None
            if content.replaces_id is None
            else {"id": content.replaces_id, "sha256": content.replaces_sha256}
        ),
        "witnessUserId": content.witness_user_id,
        "takenById": content.taken_by_id,
        "witnessName": content.witness_name,
        "occupation": content.occupation,
        "over18": content.over_18,
        "text": content.text,
        "declaration": content.declaration,
        "signedName": content.signed_name,
        "signedAt": _moment(content.signed_at),
        "signaturePng": base64.b64encode(content.signature_png).decode("ascii"),
        "createdAt": _moment(content.created_at),
        "exhibits": [[reference, sha256] for reference, sha256 in content.exhibits],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def statement_sha256(content: SignedContent) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()
