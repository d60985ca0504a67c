"""Referring an incident to the police and the police recording the case: who may, what everyone
who sees the incident then sees, and each error a user can cause."""

from __future__ import annotations

import pytest

from shopwatch.accounts.models import Role
from shopwatch.core.mail.models import OutboxEmail
from shopwatch.incidents.models import Incident
from shopwatch.places.models import Bid
from shopwatch.settings import Settings
from tests.api.evidence.helpers import REFER, UPDATE_CASE, evidence, incident_id, run
from tests.support.evidence import staff_report_with_photos
from tests.support.graphql import GraphQLClient
from tests.support.world import World


@pytest.fixture
async def incident(world: World, settings: Settings) -> Incident:
    return await staff_report_with_photos(world, settings, photos=0)


def _refer(incident: Incident, **changes: object) -> dict[str, object]:
    return {"input": {"incidentId": incident_id(incident), **changes}}


async def test_a_manager_refers_and_the_shop_sees_the_case(
    gql: GraphQLClient, world: World, incident: Incident
) -> None:
    staff = world.token(Role.SHOP_STAFF)
    before = await evidence(gql, incident, world.token(Role.BID_MANAGER))
    assert before["policeCase"] is None and before["mayReferToPolice"] is True

    result = await run(
        gql,
        REFER,
        _refer(incident, crimeReference="43/12345/26", note="CCTV kept."),
        world.token(Role.BID_MANAGER),
    )

    assert result["__typename"] == "ReferToPoliceSuccess"
    assert result["incident"]["status"] == "REFERRED_TO_POLICE"
    assert result["incident"]["policeCase"] == {"state": "REPORTED", "crimeReference": "43/12345/26"}
    seen = await evidence(gql, incident, staff)
    assert seen["policeCase"]["referredBy"] == {"email": "bid_manager@home.example.org"}
    assert seen["policeCase"]["updates"] == [
        {"state": "REPORTED", "note": "CCTV kept.", "by": {"email": "bid_manager@home.example.org"}}
    ]
    assert seen["history"] == [{"status": "REFERRED_TO_POLICE", "note": "CCTV kept."}]
    assert (seen["mayReferToPolice"], seen["mayUpdatePoliceCase"]) == (False, False)
    police = await evidence(gql, incident, world.token(Role.POLICE))
    assert police["mayUpdatePoliceCase"] is True
    subjects = await OutboxEmail.filter(to_address=world.home.team.email).values_list("subject", flat=True)
    assert subjects == [f"Referred: {incident.reference} at {world.home.shops[0].name}"]


async def test_staff_refer_their_own_report_only_where_the_bid_allows_it(
    gql: GraphQLClient, world: World, incident: Incident
) -> None:
    staff = world.token(Role.SHOP_STAFF)
    refused = await run(gql, REFER, _refer(incident), staff)
    assert refused["__typename"] == "PermissionDenied"
    assert (await evidence(gql, incident, staff))["mayReferToPolice"] is False

    allowed = await run(
        gql,
        "mutation B($input: UpdateBidInput!) { updateBid(input: $input) { __typename "
        "... on UpdateBidSuccess { bid { staffMayReferToPolice } } } }",
        {"input": {"bidId": world.home.bid_id, "staffMayReferToPolice": True}},
        world.token(Role.BID_MANAGER),
    )
    assert allowed["bid"] == {"staffMayReferToPolice": True}
    assert (await evidence(gql, incident, staff))["mayReferToPolice"] is True
    assert (await run(gql, REFER, _refer(incident), staff))["__typename"] == "ReferToPoliceSuccess"


async def test_a_manager_cannot_rename_the_bid_while_allowing_staff_to_refer(
    gql: GraphQLClient, world: World
) -> None:
    result = await run(
        gql,
        "mutation B($input: UpdateBidInput!) { updateBid(input: $input) { __typename } }",
        {"input": {"bidId": world.home.bid_id, "name": "Mine now", "staffMayReferToPolice": True}},
        world.token(Role.BID_MANAGER),
    )
    assert result["__typename"] == "PermissionDenied"
    assert (await Bid.get(id=world.home.bid.id)).staff_may_refer_to_police is False


async def test_referral_errors_a_user_can_cause(gql: GraphQLClient, world: World, incident: Incident) -> None:
    manager = world.token(Role.BID_MANAGER)
    bad_reference = await run(gql, REFER, _refer(incident, crimeReference="<b>43</b>"), manager)
    long_note = await run(gql, REFER, _refer(incident, note="x" * 2001), manager)
    unknown = await run(gql, REFER, {"input": {"incidentId": "nonsense"}}, manager)
    other_bid = await run(gql, REFER, _refer(incident), world.token(Role.BID_MANAGER, "away"))
    police = await run(gql, REFER, _refer(incident), world.token(Role.POLICE))
    anonymous = await run(gql, REFER, _refer(incident), None)
    await run(gql, REFER, _refer(incident), manager)
    twice = await run(gql, REFER, _refer(incident), manager)

    assert (bad_reference["__typename"], bad_reference["field"]) == ("ValidationError", "crimeReference")
    assert (long_note["__typename"], long_note["field"]) == ("ValidationError", "note")
    assert unknown["__typename"] == other_bid["__typename"] == "NotFound"
    assert police["__typename"] == anonymous["__typename"] == "PermissionDenied"
    assert "managers" in police["message"]
    assert (twice["__typename"], twice["field"]) == ("ValidationError", "incidentId")
    assert await OutboxEmail.filter(subject__startswith="Referred:").count() == 1


async def test_the_police_record_progress_that_the_shop_sees(
    gql: GraphQLClient, world: World, incident: Incident
) -> None:
    police = world.token(Role.POLICE)
    variables = {"input": {"incidentId": incident_id(incident), "state": "CRIME_NUMBER_ISSUED"}}
    not_yet = await run(gql, UPDATE_CASE, variables, police)
    await run(gql, REFER, _refer(incident), world.token(Role.BID_MANAGER))

    issued = await run(
        gql,
        UPDATE_CASE,
        {"input": {**variables["input"], "crimeReference": "WM/777/26", "note": "Crime recorded."}},
        police,
    )
    same = await run(gql, UPDATE_CASE, variables, police)
    manager = await run(gql, UPDATE_CASE, variables, world.token(Role.BID_MANAGER))
    away = await run(gql, UPDATE_CASE, variables, world.token(Role.POLICE, "away"))

    assert (not_yet["__typename"], not_yet["field"]) == ("ValidationError", "incidentId")
    assert issued["incident"]["policeReference"] == "WM/777/26"
    assert issued["incident"]["policeCase"]["state"] == "CRIME_NUMBER_ISSUED"
    assert issued["incident"]["policeCase"]["updates"][-1] == {
        "state": "CRIME_NUMBER_ISSUED",
        "note": "Crime recorded.",
        "crimeReference": "WM/777/26",
        "by": {"email": "police@home.example.org"},
    }
    assert (same["__typename"], same["field"]) == ("ValidationError", "state")
    assert manager["__typename"] == "PermissionDenied" and "police" in manager["message"]
    assert away["__typename"] == "NotFound"
    staff_view = await evidence(gql, incident, world.token(Role.SHOP_STAFF))
    assert [u["state"] for u in staff_view["policeCase"]["updates"]] == ["REPORTED", "CRIME_NUMBER_ISSUED"]


async def test_police_find_their_referred_cases_by_state(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    manager, police = world.token(Role.BID_MANAGER), world.token(Role.POLICE)
    waiting, charged, _ = [await staff_report_with_photos(world, settings, photos=0) for _ in range(3)]
    for incident in (waiting, charged):
        await run(gql, REFER, _refer(incident), manager)
    await run(
        gql, UPDATE_CASE, {"input": {"incidentId": incident_id(charged), "state": "SUSPECT_CHARGED"}}, police
    )
    query = (
        "query Q($states: [PoliceCaseState!]) { incidents(filter: {caseStates: $states}) "
        "{ edges { node { id } } } }"
    )

    async def found(*states: str) -> list[str]:
        data = await gql.execute(query, {"states": list(states)}, token=police)
        return [edge["node"]["id"] for edge in data["incidents"]["edges"]]

    assert await found("REPORTED") == [incident_id(waiting)]
    assert await found("SUSPECT_CHARGED") == [incident_id(charged)]
    assert sorted(await found("REPORTED", "SUSPECT_CHARGED")) == sorted(
        [incident_id(waiting), incident_id(charged)]
    )
    assert await found("NO_FURTHER_ACTION") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"crimeReference": "43/1/26; DROP"}, "crimeReference"), ({"note": "n" * 2001}, "note")],
)
async def test_case_update_errors_a_user_can_cause(
    gql: GraphQLClient, world: World, incident: Incident, changes: dict[str, str], field: str
) -> None:
    await run(gql, REFER, _refer(incident), world.token(Role.BID_MANAGER))
    variables = {"input": {"incidentId": incident_id(incident), "state": "EVIDENCE_SENT", **changes}}

    result = await run(gql, UPDATE_CASE, variables, world.token(Role.POLICE))

    assert (result["__typename"], result["field"]) == ("ValidationError", field)
    assert [
        u["state"] for u in (await evidence(gql, incident, world.token(Role.POLICE)))["policeCase"]["updates"]
    ] == ["REPORTED"]


UPDATE_BID = (
    "mutation B($input: UpdateBidInput!) { updateBid(input: $input) { __typename "
    "... on ValidationError { field } } }"
)


async def test_who_may_let_staff_refer(gql: GraphQLClient, world: World) -> None:
    allow = {"input": {"bidId": world.home.bid_id, "staffMayReferToPolice": True}}

    police = await run(gql, UPDATE_BID, allow, world.token(Role.POLICE))
    staff = await run(gql, UPDATE_BID, allow, world.token(Role.SHOP_STAFF))
    away = await run(gql, UPDATE_BID, allow, world.token(Role.BID_MANAGER, "away"))
    nothing = await run(
        gql, UPDATE_BID, {"input": {"bidId": world.home.bid_id}}, world.token(Role.BID_MANAGER)
    )
    admin = await run(gql, UPDATE_BID, allow, world.token(Role.ADMIN))

    assert police["__typename"] == staff["__typename"] == "PermissionDenied"
    assert away["__typename"] == "NotFound"
    assert nothing == {"__typename": "ValidationError", "field": "name"}
    assert admin["__typename"] == "UpdateBidSuccess"
    assert (await Bid.get(id=world.home.bid.id)).staff_may_refer_to_police is True
