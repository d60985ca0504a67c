"""Evidence actions called as a script would: each writes what it promises, its audit entry (with no
free text in it) and, for a referral, the emails to the covering teams in the outbox."""

from __future__ import annotations

import asyncio
import json

import pytest

from shopwatch.accounts.models import Role
from shopwatch.actions.evidence import (
    record_impact_statement,
    record_witness_statement,
    refer_to_police,
    set_incident_property,
    update_police_case,
)
from shopwatch.api.ids import encode_id
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.errors import InvalidInput, PermissionRefused
from shopwatch.core.mail.models import OutboxEmail
from shopwatch.evidence.models import Exhibit, PoliceCaseState, WitnessStatement
from shopwatch.evidence.property_lines import LineInput
from shopwatch.evidence.reading import exhibits_of, impact_statement_of, police_case_of, statements_of
from shopwatch.evidence.sealing import statement_sha256
from shopwatch.evidence.statements import signed_content
from shopwatch.incidents.models import Incident, IncidentStatus, IncidentStatusChange, Photo
from shopwatch.places.models import NeighbourhoodTeam
from shopwatch.settings import Settings
from tests.actions import acting, audit_actions
from tests.support.evidence import staff_report_with_photos, statement_input
from tests.support.world import World

NOTE = "The man is known to the shop; CCTV kept for 30 days."
STAFF, MANAGER, POLICE = (
    "shop_staff@home.example.org",
    "bid_manager@home.example.org",
    "police@home.example.org",
)


async def _details(subject: str) -> list[dict[str, object]]:
    rows = await AuditEntry.filter(subject=subject).order_by("id").values_list("detail", flat=True)
    return [json.loads(str(row)) for row in rows]


async def test_a_referral_moves_the_incident_keeps_the_reference_and_emails_every_covering_team(
    world: World, settings: Settings
) -> None:
    second = await NeighbourhoodTeam.create(name="Town NPT", email="town.npt@example.org")
    await second.bids.add(world.home.bid)
    incident = await staff_report_with_photos(world, settings, photos=0)
    manager = await acting(world, settings, Role.BID_MANAGER)

    referred = await refer_to_police(manager, incident, " 43/12345/26 ", NOTE)

    assert referred.incident.status == IncidentStatus.REFERRED_TO_POLICE
    assert referred.incident.police_reference == "43/12345/26"
    [change] = await IncidentStatusChange.filter(incident_id=incident.id)
    assert (change.status, change.note) == (IncidentStatus.REFERRED_TO_POLICE, NOTE)
    [step] = await police_case_of(incident)
    assert (step.state, step.note, step.crime_reference) == (PoliceCaseState.REPORTED, NOTE, "43/12345/26")
    emails = await OutboxEmail.filter(id__in=[email.id for email in referred.emails]).order_by("id")
    assert [email.to_address for email in emails] == [world.home.team.email, "town.npt@example.org"]
    subject = f"Referred: {incident.reference} at {world.home.shops[0].name}"
    link = f"http://testserver/#/incidents/{encode_id('Incident', incident.id)}"
    for email in emails:
        assert email.subject == subject
        assert link in email.text_body and link in email.html_body
        assert "43/12345/26" in email.text_body
        assert NOTE not in email.text_body and "gin" not in email.text_body
    assert await audit_actions(f"Incident:{incident.id}") == [("incident.refer", MANAGER)]
    refer_detail = (await _details(f"Incident:{incident.id}"))[-1]
    assert refer_detail == {
        "previous": "NEW",
        "status": "REFERRED_TO_POLICE",
        "state": "REPORTED",
        "crime_reference": True,
        "note": True,
        "emailed": 2,
    }


async def test_an_incident_is_referred_once(world: World, settings: Settings) -> None:
    incident = await staff_report_with_photos(world, settings, photos=0)
    manager = await acting(world, settings, Role.BID_MANAGER)
    await refer_to_police(manager, incident, None, None)

    with pytest.raises(InvalidInput) as refused:
        await refer_to_police(manager, incident, None, None)

    assert refused.value.field == "incidentId"
    assert await OutboxEmail.filter(subject__startswith="Referred:").count() == 1
    assert len(await police_case_of(incident)) == 1


async def test_an_incident_already_marked_referred_by_hand_can_still_be_referred(
    world: World, settings: Settings
) -> None:
    incident = await staff_report_with_photos(world, settings, photos=0)
    manager = await acting(world, settings, Role.BID_MANAGER)
    await Incident.filter(id=incident.id).update(status=IncidentStatus.REFERRED_TO_POLICE)

    referred = await refer_to_police(manager, incident, None, None)

    assert referred.step.update.state == PoliceCaseState.REPORTED
    assert await IncidentStatusChange.filter(incident_id=incident.id).count() == 0


async def test_the_police_record_the_case_s_progress(world: World, settings: Settings) -> None:
    incident = await staff_report_with_photos(world, settings, photos=0)
    police = await acting(world, settings, Role.POLICE)
    with pytest.raises(InvalidInput) as not_referred:
        await update_police_case(police, incident, PoliceCaseState.CRIME_NUMBER_ISSUED, None, None)
    assert not_referred.value.field == "incidentId"
    await refer_to_police(await acting(world, settings, Role.BID_MANAGER), incident, None, None)

    step = await update_police_case(
        police, incident, PoliceCaseState.CRIME_NUMBER_ISSUED, "PC 123", "WM/1/26"
    )
    with pytest.raises(InvalidInput) as nothing_new:
        await update_police_case(police, incident, PoliceCaseState.CRIME_NUMBER_ISSUED, " ", "WM/1/26")
    await update_police_case(police, incident, PoliceCaseState.EVIDENCE_REQUESTED, None, None)

    assert nothing_new.value.field == "state"
    assert step.incident.police_reference == "WM/1/26"
    case = await police_case_of(incident)
    assert [(u.state, u.crime_reference, u.by_user_id) for u in case] == [
        (PoliceCaseState.REPORTED, None, world.home.users[Role.BID_MANAGER].id),
        (PoliceCaseState.CRIME_NUMBER_ISSUED, "WM/1/26", world.home.users[Role.POLICE].id),
        (PoliceCaseState.EVIDENCE_REQUESTED, "WM/1/26", world.home.users[Role.POLICE].id),
    ]
    details = await _details(f"Incident:{incident.id}")
    assert details[-2:] == [
        {
            "previous": "REPORTED",
            "state": "CRIME_NUMBER_ISSUED",
            "crime_reference_changed": True,
            "note": True,
        },
        {
            "previous": "CRIME_NUMBER_ISSUED",
            "state": "EVIDENCE_REQUESTED",
            "crime_reference_changed": False,
            "note": False,
        },
    ]


async def test_a_witness_s_own_statement_produces_the_photos_as_exhibits_and_its_hash_is_audited(
    world: World, settings: Settings
) -> None:
    incident = await staff_report_with_photos(world, settings, photos=2)
    staff = await acting(world, settings, Role.SHOP_STAFF)

    signed = await record_witness_statement(staff, incident, statement_input())

    statement = signed.statement
    assert (statement.version, statement.replaces_id) == (1, None)
    assert (statement.witness_user_id, statement.taken_by_id) == (world.home.users[Role.SHOP_STAFF].id, None)
    photos = await Photo.filter(incident_id=incident.id).order_by("id")
    assert [(e.reference, e.photo.id) for e in await exhibits_of(incident)] == [
        ("MS/1", photos[0].id),
        ("MS/2", photos[1].id),
    ]
    exhibits = [(p_ref, p.sha256) for p_ref, p in zip(("MS/1", "MS/2"), photos, strict=True)]
    assert statement.sha256 == statement_sha256(signed_content(statement, incident, None, exhibits))
    [entry] = await AuditEntry.filter(subject=f"WitnessStatement:{statement.id}")
    assert (entry.action, entry.actor) == ("statement.sign", STAFF)
    assert json.loads(entry.detail) == {
        "incident": incident.id,
        "version": 1,
        "replaces": None,
        "sha256": statement.sha256,
        "own": True,
        "exhibits": ["MS/1", "MS/2"],
    }
    assert "gin" not in entry.detail and "Mary" not in entry.detail


async def test_a_correction_is_a_new_version_and_the_signed_one_stays_as_it_was(
    world: World, settings: Settings
) -> None:
    incident = await staff_report_with_photos(world, settings, photos=1)
    staff = await acting(world, settings, Role.SHOP_STAFF)
    first = (await record_witness_statement(staff, incident, statement_input())).statement
    stored = await WitnessStatement.get(id=first.id).values()

    second = await record_witness_statement(
        staff, incident, statement_input(text="Corrected: three bottles, not two.", replaces_id=first.id)
    )
    with pytest.raises(InvalidInput) as again:
        await record_witness_statement(staff, incident, statement_input(replaces_id=first.id))

    assert (second.statement.version, second.statement.replaces_id) == (2, first.id)
    assert [e.reference for e in second.exhibits] == ["MS/1"] and second.produced == []
    assert await WitnessStatement.get(id=first.id).values() == stored
    assert again.value.field == "replacesId" and "Version 2" in again.value.message
    assert [s.version for s in await statements_of(incident)] == [1, 2]


async def test_a_manager_takes_a_statement_down_and_the_reporter_cannot_correct_it(
    world: World, settings: Settings
) -> None:
    incident = await staff_report_with_photos(world, settings, photos=1)
    manager = await acting(world, settings, Role.BID_MANAGER)
    taken = await record_witness_statement(
        manager, incident, statement_input(witness_name="Mark Smith", typed_name="mark  smith")
    )
    staff = await acting(world, settings, Role.SHOP_STAFF)

    with pytest.raises(PermissionRefused):
        await record_witness_statement(
            staff,
            incident,
            statement_input(
                witness_name="Mark Smith", typed_name="Mark Smith", replaces_id=taken.statement.id
            ),
        )
    own = await record_witness_statement(staff, incident, statement_input())

    assert (taken.statement.witness_user_id, taken.statement.taken_by_id) == (
        None,
        world.home.users[Role.BID_MANAGER].id,
    )
    assert [e.reference for e in taken.produced] == ["MS/1"]
    # The second "MS" produces nothing new by default: the one photo is already MS/1.
    assert own.produced == [] and own.exhibits == []
    assert await Exhibit.filter(incident_id=incident.id).count() == 1


async def test_a_second_witness_with_the_same_initials_numbers_on(world: World, settings: Settings) -> None:
    incident = await staff_report_with_photos(world, settings, photos=3)
    manager = await acting(world, settings, Role.BID_MANAGER)
    photos = await Photo.filter(incident_id=incident.id).order_by("id")
    await record_witness_statement(manager, incident, statement_input(exhibit_photo_ids=[photos[0].id]))

    with pytest.raises(InvalidInput) as taken:
        await record_witness_statement(
            manager,
            incident,
            statement_input(witness_name="Mo Shah", typed_name="Mo Shah", exhibit_photo_ids=[photos[0].id]),
        )
    second = await record_witness_statement(
        manager, incident, statement_input(witness_name="Mo Shah", typed_name="Mo Shah")
    )

    assert taken.value.field == "exhibitPhotoIds" and "MS/1" in taken.value.message
    assert [e.reference for e in second.produced] == ["MS/2", "MS/3"]


async def test_the_property_lines_set_the_value_stolen(world: World, settings: Settings) -> None:
    incident = await staff_report_with_photos(world, settings, photos=0)
    staff = await acting(world, settings, Role.SHOP_STAFF)

    result = await set_incident_property(
        staff,
        incident,
        [LineInput("Gin, 70 cl", 2, 2_250), LineInput("Razor blades", 3, 999, recovered=True)],
    )
    again = await set_incident_property(staff, incident, [LineInput("Gin, 70 cl", 1, 2_250)])

    assert result.value_stolen_pence == 4_500
    assert [(line.position, line.description) for line in result.lines] == [
        (1, "Gin, 70 cl"),
        (2, "Razor blades"),
    ]
    assert again.incident.value_stolen_pence == 2_250 and len(again.lines) == 1
    details = await _details(f"Incident:{incident.id}")
    assert details == [
        {"lines": 2, "recovered": 1, "value_stolen_pence": 4_500},
        {"lines": 1, "recovered": 0, "value_stolen_pence": 2_250},
    ]


async def test_a_shop_s_impact_statement_is_recorded_and_audited_without_its_text(
    world: World, settings: Settings
) -> None:
    staff = await acting(world, settings, Role.SHOP_STAFF)
    shop = world.home.shops[0]

    recorded = await record_impact_statement(
        staff, shop, "Staff are frightened to work late.", "Ann Lee", "Manager"
    )

    latest = await impact_statement_of(shop)
    assert latest is not None and latest.id == recorded.id
    [entry] = await AuditEntry.filter(action="impact_statement.record")
    assert entry.subject == f"Shop:{shop.id}" and "frightened" not in entry.detail


async def test_two_referrals_at_once_make_one_case_and_one_set_of_emails(
    world: World, settings: Settings
) -> None:
    incident = await staff_report_with_photos(world, settings, photos=0)
    manager, admin = (
        await acting(world, settings, Role.BID_MANAGER),
        await acting(world, settings, Role.ADMIN),
    )

    results = await asyncio.gather(
        refer_to_police(manager, incident, None, None),
        refer_to_police(admin, incident, "43/9/26", None),
        return_exceptions=True,
    )

    refused = [result for result in results if isinstance(result, InvalidInput)]
    assert len(refused) == 1 and refused[0].field == "incidentId"
    assert len(await police_case_of(incident)) == 1
    assert await OutboxEmail.filter(subject__startswith="Referred:").count() == 1
    assert [action for action, _ in await audit_actions(f"Incident:{incident.id}")] == ["incident.refer"]


async def test_two_statements_signed_at_once_number_their_exhibits_one_after_the_other(
    world: World, settings: Settings
) -> None:
    incident = await staff_report_with_photos(world, settings, photos=2)
    photos = await Photo.filter(incident_id=incident.id).order_by("id")
    manager, admin = (
        await acting(world, settings, Role.BID_MANAGER),
        await acting(world, settings, Role.ADMIN),
    )

    await asyncio.gather(
        record_witness_statement(manager, incident, statement_input(exhibit_photo_ids=[photos[0].id])),
        record_witness_statement(admin, incident, statement_input(exhibit_photo_ids=[photos[1].id])),
    )

    assert sorted(e.reference for e in await exhibits_of(incident)) == ["MS/1", "MS/2"]
