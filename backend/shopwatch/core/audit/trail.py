"""Writing and checking the audit trail.

Each entry carries the SHA-256 of the entry before it, so altering or deleting any row breaks the
chain from there on, and `verify_chain` names the first entry that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.clock import now

GENESIS_HASH = "0" * 64
# Any fixed number: the PostgreSQL advisory lock that makes appends to the chain take turns.
_CHAIN_LOCK = 0x5A0D17
_VERIFY_BATCH = 1000


@dataclass(frozen=True)
class Actor:
    """Who acted: a user (id and email at the time) or the system itself, and from which address."""

    user_id: int | None
    label: str
    address: str


SYSTEM = Actor(user_id=None, label="system", address="")


def _canonical(detail: Mapping[str, Any]) -> str:
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(
    previous_hash: str,
    at: datetime,
    actor_user_id: int | None,
    actor: str,
    action: str,
    subject: str,
    detail: str,
    address: str,
    bid_id: int | None = None,
) -> str:
    fields = [previous_hash, at.isoformat(), actor_user_id, actor, action, subject, detail, address]
    # Entries that concern no BID (and every entry written before entries named one) hash as before.
    if bid_id is not None:
        fields.append(bid_id)
    return hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()


async def record(
    actor: Actor, action: str, subject: str = "", *, bid_id: int | None = None, **detail: Any
) -> AuditEntry:
    """Append one entry, about `bid_id`'s BID when given. Runs in its own transaction (or the
    caller's), appends taking turns."""
    async with in_transaction() as connection:
        if connection.capabilities.dialect == "postgres":
            await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [_CHAIN_LOCK])
        last = await AuditEntry.all().order_by("-id").using_db(connection).first()
        previous = last.entry_hash if last is not None else GENESIS_HASH
        # Microseconds dropped: both databases then give back exactly the time that was hashed.
        at = now().replace(microsecond=0)
        text = _canonical(detail)
        return await AuditEntry.create(
            at=at,
            actor_user_id=actor.user_id,
            actor=actor.label,
            action=action,
            subject=subject,
            detail=text,
            address=actor.address,
            bid_id=bid_id,
            previous_hash=previous,
            entry_hash=entry_hash(
                previous, at, actor.user_id, actor.label, action, subject, text, actor.address, bid_id
            ),
            using_db=connection,
        )


@dataclass(frozen=True)
class Verification:
    entries: int
    first_broken_id: int | None
    # The hash of the last intact entry: noted somewhere else from time to time, it shows that no
    # one with write access to the database rewrote the whole chain since.
    head: str = GENESIS_HASH

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None

    @property
    def message(self) -> str:
        """What the check found, in the words `shopwatch audit verify` and the app both use."""
        if self.intact:
            return f"The audit trail is intact: {self.entries} entries. Latest hash: {self.head}"
        return (
            f"The audit trail is broken at entry {self.first_broken_id}: it was altered, or the entry "
            f"before it was removed. The {self.entries} entries before it are intact."
        )


_CHAIN_COLUMNS = (
    "id",
    "at",
    "actor_user_id",
    "actor",
    "action",
    "subject",
    "detail",
    "address",
    "bid_id",
    "previous_hash",
    "entry_hash",
)


async def verify_chain(up_to: int | None = None) -> Verification:
    """Walk the chain in order, in batches; the first entry whose links or contents do not add up.
    The one check behind `shopwatch audit verify` and the app's `auditChain`. With `up_to`, only the
    entries up to that id: what an entry written then relies on (an evidence pack's, say)."""
    previous = GENESIS_HASH
    checked = 0
    last_id = 0
    connections.get("default")  # fail early and plainly if the database is not open
    while True:
        # Rows as tuples: building a model object per entry was most of the walk's time.
        query = AuditEntry.filter(id__gt=last_id)
        if up_to is not None:
            query = query.filter(id__lte=up_to)
        batch = await query.order_by("id").limit(_VERIFY_BATCH).values_list(*_CHAIN_COLUMNS)
        if not batch:
            return Verification(entries=checked, first_broken_id=None, head=previous)
        for pk, at, user_id, actor, action, subject, detail, address, bid_id, linked, stored in batch:
            expected = entry_hash(previous, at, user_id, actor, action, subject, detail, address, bid_id)
            if linked != previous or stored != expected:
                return Verification(entries=checked, first_broken_id=pk, head=previous)
            previous = stored
            checked += 1
            last_id = pk
