"""The audit trail: entries chained by SHA-256, so any altered or removed row is found."""

from __future__ import annotations

import hashlib
import json

from tortoise import connections

from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.audit.trail import GENESIS_HASH, SYSTEM, Actor, record, verify_chain

OFFICER = Actor(user_id=7, label="pc.jones@example.org", address="203.0.113.9")


async def _three_entries() -> list[AuditEntry]:
    return [
        await record(OFFICER, "offender.view", "Offender:1"),
        await record(OFFICER, "incidents.export_csv", "Bid:2", first="2026-01-01", last="2026-01-31"),
        await record(SYSTEM, "retention.purge", rows=3),
    ]


async def test_each_entry_carries_the_hash_of_the_one_before(database: str) -> None:
    first, second, third = await _three_entries()
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.entry_hash and third.previous_hash == second.entry_hash
    assert second.detail == '{"first":"2026-01-01","last":"2026-01-31"}'
    assert (second.actor, second.address, third.actor) == ("pc.jones@example.org", "203.0.113.9", "system")
    result = await verify_chain()
    assert (result.entries, result.first_broken_id, result.head) == (3, None, third.entry_hash)


async def test_an_altered_entry_is_named(database: str) -> None:
    _, second, _ = await _three_entries()
    await connections.get("default").execute_query(
        "UPDATE audit_entry SET subject = 'Bid:99' WHERE id = " + str(second.id)
    )
    result = await verify_chain()
    assert (result.intact, result.first_broken_id, result.entries) == (False, second.id, 1)


async def test_a_removed_entry_breaks_the_chain_after_it(database: str) -> None:
    _, second, third = await _three_entries()
    await AuditEntry.filter(id=second.id).delete()
    assert (await verify_chain()).first_broken_id == third.id


async def test_an_empty_trail_is_intact(database: str) -> None:
    assert (await verify_chain()).intact


async def test_an_entry_moved_to_another_bid_is_named(database: str) -> None:
    first = await record(OFFICER, "offender.view", "Offender:1", bid_id=2)
    second = await record(OFFICER, "offender.view", "Offender:1", bid_id=2)
    assert (first.bid_id, second.bid_id) == (2, 2)
    await AuditEntry.filter(id=first.id).update(bid_id=3)
    result = await verify_chain()
    assert (result.intact, result.first_broken_id, result.entries) == (False, first.id, 0)
    await AuditEntry.filter(id=first.id).update(bid_id=None)
    assert (await verify_chain()).first_broken_id == first.id


async def test_an_entry_of_no_bid_hashes_as_entries_did_before_they_named_one(database: str) -> None:
    entry = await record(OFFICER, "offender.view", "Offender:1")
    fields = [
        GENESIS_HASH,
        entry.at.isoformat(),
        7,
        OFFICER.label,
        "offender.view",
        "Offender:1",
        "{}",
        OFFICER.address,
    ]
    assert entry.entry_hash == hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()


async def test_the_check_says_what_it_found_in_the_commands_words(database: str) -> None:
    entries = await _three_entries()
    intact = await verify_chain()
    assert intact.message == f"The audit trail is intact: 3 entries. Latest hash: {entries[2].entry_hash}"
    await AuditEntry.filter(id=entries[1].id).delete()
    broken = await verify_chain()
    assert broken.message == (
        f"The audit trail is broken at entry {entries[2].id}: it was altered, or the entry before it was "
        "removed. The 1 entries before it are intact."
    )
