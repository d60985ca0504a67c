"""Witness statements through the API: the draft, signing, exhibits on the photos, who sees what,
corrections, and each error a user can cause."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from shopwatch.accounts.models import Role
from shopwatch.accounts.sessions import start_session
from shopwatch.api.ids import encode_id
from shopwatch.core.audit.models import AuditEntry
from shopwatch.evidence.declaration import DECLARATION_AS_SIGNED
from shopwatch.evidence.models import WitnessStatement
from shopwatch.incidents.models import Incident, Photo
from shopwatch.settings import Settings
from tests.api.evidence.helpers import SIGN, evidence, run, statement_variables
from tests.support.evidence import signature_png, signature_url, staff_report_with_photos
from tests.support.graphql import GraphQLClient
from tests.support.world import World, make_colleague


@pytest.fixture
async def incident(world: World, settings: Settings) -> Incident:
    return await staff_report_with_photos(world, settings, photos=2)


async def test_the_reporter_signs_the_prefilled_statement_and_the_photos_become_exhibits(
    gql: GraphQLClient, world: World, incident: Incident
) -> None:
    staff = world.token(Role.SHOP_STAFF)
    before = await evidence(gql, incident, staff)
    assert before["mayRecordStatement"] is True
    assert world.home.shops[0].address in before["statementDraft"]
    assert "Two bottles of gin taken from the spirits aisle." in before["statementDraft"]

    signed = await run(
        gql, SIGN, statement_variables(incident, text=before["statementDraft"] + "\nHe ran."), staff
    )

    assert signed["__typename"] == "RecordWitnessStatementSuccess"
    statement = signed["statement"]
    assert (statement["version"], statement["replacesId"], statement["takenBy"]) == (1, None, None)
    assert [e["reference"] for e in statement["exhibits"]] == ["MS/1", "MS/2"]
    assert [e["photo"]["exhibitReference"] for e in statement["exhibits"]] == ["MS/1", "MS/2"]
    [entry] = await AuditEntry.filter(action="statement.sign")
    assert statement["sha256"] in entry.detail
    seen = await evidence(gql, incident, world.token(Role.POLICE))
    [shown] = seen["statements"]
    assert (
        shown["declaration"] == DECLARATION_AS_SIGNED and "(consisting of … page(s)" in shown["declaration"]
    )
    assert shown["signatureImage"] == signature_url()
    assert shown["text"].endswith("He ran.")
    assert [p["exhibitReference"] for p in seen["photos"]] == ["MS/1", "MS/2"]


async def test_statements_are_seen_by_managers_police_admins_and_the_witness_only(
    gql: GraphQLClient, world: World, incident: Incident
) -> None:
    await run(gql, SIGN, statement_variables(incident), world.token(Role.SHOP_STAFF))
    colleague_token = await start_session(await make_colleague(world.home))

    counts = {
        role: len((await evidence(gql, incident, world.token(role)))["statements"])
        for role in (Role.SHOP_STAFF, Role.BID_MANAGER, Role.POLICE, Role.ADMIN)
    }
    colleague_view = await evidence(gql, incident, colleague_token)

    assert counts == {Role.SHOP_STAFF: 1, Role.BID_MANAGER: 1, Role.POLICE: 1, Role.ADMIN: 1}
    assert colleague_view["statements"] == []
    assert colleague_view["statementDraft"] is None and colleague_view["mayRecordStatement"] is False
    assert colleague_view["evidencePackUrl"] is None


async def test_a_statement_a_manager_takes_down_is_not_shown_to_the_reporter(
    gql: GraphQLClient, world: World, incident: Incident
) -> None:
    taken = await run(
        gql,
        SIGN,
        statement_variables(
            incident,
            witnessName="Joe Bloggs",
            signature={"image": signature_url(), "typedName": "Joe Bloggs"},
        ),
        world.token(Role.BID_MANAGER),
    )

    assert taken["statement"]["takenBy"] == {"email": "bid_manager@home.example.org"}
    assert [e["reference"] for e in taken["statement"]["exhibits"]] == ["JB/1", "JB/2"]
    assert (await evidence(gql, incident, world.token(Role.SHOP_STAFF)))["statements"] == []


async def test_a_correction_is_a_new_version_naming_the_one_it_replaces(
    gql: GraphQLClient, world: World, incident: Incident
) -> None:
    staff = world.token(Role.SHOP_STAFF)
    first = (await run(gql, SIGN, statement_variables(incident), staff))["statement"]

    second = await run(
        gql, SIGN, statement_variables(incident, text="Three bottles.", replacesId=first["id"]), staff
    )
    again = await run(gql, SIGN, statement_variables(incident, replacesId=first["id"]), staff)

    assert (second["statement"]["version"], second["statement"]["replacesId"]) == (2, first["id"])
    assert [e["reference"] for e in second["statement"]["exhibits"]] == ["MS/1", "MS/2"]
    assert second["statement"]["sha256"] != first["sha256"]
    assert (again["__typename"], again["field"]) == ("ValidationError", "replacesId")
    shown = (await evidence(gql, incident, staff))["statements"]
    assert [(s["version"], s["text"]) for s in shown] == [
        (1, statement_variables(incident)["input"]["text"]),
        (2, "Three bottles."),
    ]


def _bad_signature(image: str, typed: str = "Mary Ann Smith") -> dict[str, Any]:
    return {"signature": {"image": image, "typedName": typed}}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"witnessName": "  "}, "witnessName"),
        ({"witnessName": "W" * 201}, "witnessName"),
        ({"occupation": ""}, "occupation"),
        ({"text": " \n "}, "text"),
        ({"text": "x" * 20_001}, "text"),
        (_bad_signature("data:image/png;base64,bm90IGEgcG5n"), "signature.image"),
        (_bad_signature(signature_url(signature_png(ink=False))), "signature.image"),
        (
            _bad_signature(base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 300_000).decode()),
            "signature.image",
        ),
        (_bad_signature(signature_url(), "Someone Else"), "signature.typedName"),
        ({"replacesId": encode_id("WitnessStatement", 999_999)}, "replacesId"),
        ({"replacesId": "nonsense"}, "replacesId"),
        ({"exhibitPhotoIds": [encode_id("Photo", 999_999)]}, "exhibitPhotoIds"),
        ({"exhibitPhotoIds": ["nonsense"]}, "exhibitPhotoIds"),
    ],
)
async def test_statement_errors_a_user_can_cause(
    gql: GraphQLClient, world: World, incident: Incident, changes: dict[str, Any], field: str
) -> None:
    result = await run(gql, SIGN, statement_variables(incident, **changes), world.token(Role.SHOP_STAFF))

    assert (result["__typename"], result["field"]) == ("ValidationError", field), result
    assert await WitnessStatement.all().count() == 0


async def test_who_may_not_record_a_statement(
    gql: GraphQLClient, world: World, incident: Incident, settings: Settings
) -> None:
    other_photo = (
        await Photo.filter(incident__bid_id=world.home.bid.id).exclude(incident_id=incident.id).first()
    )
    assert other_photo is None
    police = await run(gql, SIGN, statement_variables(incident), world.token(Role.POLICE))
    away = await run(gql, SIGN, statement_variables(incident), world.token(Role.BID_MANAGER, "away"))
    anonymous = await run(gql, SIGN, statement_variables(incident), None)
    manager_first = await run(
        gql,
        SIGN,
        statement_variables(
            incident,
            witnessName="Joe Bloggs",
            signature={"image": signature_url(), "typedName": "Joe Bloggs"},
        ),
        world.token(Role.BID_MANAGER),
    )
    correcting_someone_else = await run(
        gql,
        SIGN,
        statement_variables(
            incident,
            witnessName="Joe Bloggs",
            signature={"image": signature_url(), "typedName": "Joe Bloggs"},
            replacesId=manager_first["statement"]["id"],
        ),
        world.token(Role.SHOP_STAFF),
    )

    assert police["__typename"] == anonymous["__typename"] == "PermissionDenied"
    assert away["__typename"] == "NotFound"
    assert correcting_someone_else["__typename"] == "PermissionDenied"
    assert await WitnessStatement.all().count() == 1
