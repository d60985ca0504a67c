"""Retention takes an incident's evidence with its free text: six years on, its statements (and the
exhibit references they gave), case notes and property descriptions are gone from every table."""

from __future__ import annotations

from datetime import timedelta

from shopwatch.accounts.models import Role
from shopwatch.actions.evidence import record_witness_statement, refer_to_police, set_incident_property
from shopwatch.actions.retention import purge
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.clock import now
from shopwatch.core.storage import PhotoStore
from shopwatch.evidence.models import Exhibit, PoliceCaseUpdate, PropertyLine, WitnessStatement
from shopwatch.evidence.property_lines import LineInput
from shopwatch.incidents.models import Incident
from shopwatch.incidents.retention import REDACTED_DESCRIPTION, years_before
from shopwatch.settings import Settings
from tests.actions import acting
from tests.support.evidence import staff_report_with_photos, statement_input
from tests.support.stored_text import places_holding
from tests.support.world import World

WORDS = "He said his name was {} of Pontypridd."


async def test_a_redacted_incident_keeps_no_statement_note_or_property_description(
    world: World, settings: Settings, database: str
) -> None:
    old, kept = [await staff_report_with_photos(world, settings, photos=1) for _ in range(2)]
    manager = await acting(world, settings, Role.BID_MANAGER)
    for incident, name in ((old, "Dai Jenkins"), (kept, "Huw Morgan")):
        words = WORDS.format(name)
        await refer_to_police(manager, incident, None, words)
        first = await record_witness_statement(manager, incident, statement_input(text=words))
        await record_witness_statement(
            manager, incident, statement_input(text=words, replaces_id=first.statement.id)
        )
        await set_incident_property(manager, incident, [LineInput(f"Coat ({words})", 1, 5_000)])
    moment = now()
    await Incident.filter(id=old.id).update(occurred_at=years_before(moment, 6) - timedelta(days=1))

    purged = await purge(PhotoStore(settings.media_root), moment)
    again = await purge(PhotoStore(settings.media_root), moment)

    assert (purged.incidents, purged.statements, again.statements) == (1, 2, 0)
    assert await WitnessStatement.filter(incident_id=old.id).count() == 0
    assert await Exhibit.filter(incident_id=old.id).count() == 0
    assert await WitnessStatement.filter(incident_id=kept.id).count() == 2
    assert [u.note for u in await PoliceCaseUpdate.filter(incident_id=old.id)] == [""]
    [line] = await PropertyLine.filter(incident_id=old.id)
    assert (line.description, line.quantity, line.unit_price_pence) == (REDACTED_DESCRIPTION, 1, 5_000)
    assert await places_holding(database, "Dai Jenkins") == []
    assert {table for table, _ in await places_holding(database, "Huw Morgan")} == {
        "witness_statement",
        "police_case_update",
        "property_line",
        "incident_status_change",
    }
    entry = await AuditEntry.filter(action="retention.purge").first()
    assert entry is not None and '"statements":2' in entry.detail
