"""Making an incident's evidence pack: its manifest's SHA-256 goes into the audit trail before a byte
of the pack is sent, so every pack that leaves can later be checked against the trail."""

from __future__ import annotations

from shopwatch.actions.acting import Acting
from shopwatch.core.audit.trail import record
from shopwatch.core.clock import now
from shopwatch.evidence.pack import EvidencePack, plan_pack
from shopwatch.incidents.models import Incident


async def make_evidence_pack(by: Acting, incident: Incident) -> EvidencePack:
    """The pack, ready to stream with `stream_pack`. Authorises nothing: the caller has checked
    `evidence.access.may_download_pack`. `PackUnavailable` (and no audit entry) when an original is
    missing."""
    pack = await plan_pack(incident, by.actor.label, by.user.name, now().replace(microsecond=0), by.store)
    await record(
        by.actor,
        "evidence.pack",
        f"Incident:{incident.id}",
        bid_id=incident.bid_id,
        manifest_sha256=pack.manifest_sha256,
    )
    return pack
