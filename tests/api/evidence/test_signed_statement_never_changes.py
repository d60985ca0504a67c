"""A signed statement never changes: every mutation that could reach it is tried, by the people who
may use it, and the statement, its exhibits and its hash stay exactly as signed."""

from __future__ import annotations

from typing import Any

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.api.schema import build_schema
from shopwatch.evidence.models import Exhibit, WitnessStatement
from shopwatch.evidence.reading import exhibits_of
from shopwatch.evidence.sealing import statement_sha256
from shopwatch.evidence.statements import signed_content
from shopwatch.incidents.models import Incident
from shopwatch.settings import Settings
from tests.api.evidence.helpers import (
    REFER,
    RESULT,
    SET_PROPERTY,
    SIGN,
    UPDATE_CASE,
    incident_id,
    run,
    statement_variables,
)
from tests.api.offenders.helpers import make_offender
from tests.support.evidence import staff_report_with_photos
from tests.support.graphql import GraphQLClient
from tests.support.world import World


def _mutation(name: str, input_type: str) -> str:
    return f"mutation M($input: {input_type}!) {{ {name}(input: $input) {{ {RESULT} }} }}"


async def _snapshot(statement_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    statement = await WitnessStatement.get(id=statement_id).values()
    exhibits = await Exhibit.filter(statement_id=statement_id).order_by("id").values()
    return statement, exhibits


def test_no_operation_but_signing_a_new_version_writes_a_witness_statement() -> None:
    schema = build_schema(production=False)._schema
    assert schema.mutation_type is not None
    touching = sorted(name for name in schema.mutation_type.fields if "statement" in name.lower())
    assert touching == ["recordImpactStatement", "recordWitnessStatement"]


async def test_every_mutation_that_reaches_the_incident_leaves_the_signed_statement_as_it_was(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    incident = await staff_report_with_photos(world, settings, photos=2)
    staff, manager, police, admin = (
        world.token(role) for role in (Role.SHOP_STAFF, Role.BID_MANAGER, Role.POLICE, Role.ADMIN)
    )
    signed = await run(gql, SIGN, statement_variables(incident), staff)
    statement_id = (await WitnessStatement.get()).id
    before = await _snapshot(statement_id)
    offender = await make_offender(world.home, "Red cap")
    target = {"incidentId": incident_id(incident)}

    attempts: list[tuple[str, dict[str, Any], str | None]] = [
        # A correction is a new version; the one signed stays.
        (SIGN, statement_variables(incident, text="Corrected.", replacesId=signed["statement"]["id"]), staff),
        # Another witness, naming the same photos, is refused rather than renumbering them.
        (
            SIGN,
            statement_variables(
                incident,
                witnessName="Mo Shah",
                signature={
                    "image": statement_variables(incident)["input"]["signature"]["image"],
                    "typedName": "Mo Shah",
                },
                exhibitPhotoIds=[encode_id("Photo", pk) for pk in [e["photo_id"] for e in before[1]]],
            ),
            manager,
        ),
        (
            SET_PROPERTY,
            {"input": {**target, "lines": [{"description": "Gin", "quantity": 3, "unitPricePence": 2000}]}},
            staff,
        ),
        (REFER, {"input": {**target, "crimeReference": "43/1/26", "note": "Please."}}, manager),
        (
            UPDATE_CASE,
            {"input": {**target, "state": "EVIDENCE_REQUESTED", "crimeReference": "43/2/26"}},
            police,
        ),
        (
            _mutation("updateIncidentStatus", "UpdateIncidentStatusInput"),
            {"input": {**target, "status": "CLOSED"}},
            manager,
        ),
        (
            _mutation("updateIncident", "UpdateIncidentInput"),
            {"input": {**target, "policeReference": "43/3/26"}},
            staff,
        ),
        (
            "mutation L($i: ID!, $o: ID!) { linkOffender(incidentId: $i, offenderId: $o) { __typename } }",
            {"i": incident_id(incident), "o": encode_id("Offender", offender.id)},
            manager,
        ),
        (
            _mutation("recordImpactStatement", "RecordImpactStatementInput"),
            {
                "input": {
                    "shopId": world.home.shop_id(0),
                    "text": "Hard times.",
                    "authorName": "Ann Lee",
                    "position": "Manager",
                }
            },
            staff,
        ),
        (
            _mutation("updateShop", "UpdateShopInput"),
            {"input": {"shopId": world.home.shop_id(0), "name": "Renamed Shop", "address": "9 New Street"}},
            admin,
        ),
        (
            _mutation("updateBid", "UpdateBidInput"),
            {"input": {"bidId": world.home.bid_id, "name": "Renamed BID"}},
            admin,
        ),
    ]
    answers = [
        (await run(gql, document, variables, token))["__typename"] for document, variables, token in attempts
    ]

    assert answers[0] == "RecordWitnessStatementSuccess" and answers[1] == "ValidationError"
    assert all(answer.endswith("Success") for answer in answers[2:]), answers
    assert await _snapshot(statement_id) == before
    statement = await WitnessStatement.get(id=statement_id)
    incident = await Incident.get(id=incident.id)
    exhibits = [
        (e.reference, e.photo.sha256) for e in await exhibits_of(incident) if e.statement_id == statement_id
    ]
    assert statement_sha256(signed_content(statement, incident, None, exhibits)) == statement.sha256
