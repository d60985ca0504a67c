"""Bugs the fuzz suite found, each pinned through the API as a client would meet it."""

from __future__ import annotations

import base64

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from tests.api.offenders.helpers import ISSUE_EXCLUSION, make_incident, make_offender
from tests.support.graphql import GraphQLClient
from tests.support.world import World


async def test_an_upload_given_as_text_in_json_is_refused(gql: GraphQLClient, world: World) -> None:
    # It reached the resolver as a str, which failed on `.close()`: a masked server error.
    incident = await make_incident(world.home)
    query = 'mutation ($id: ID!) { addIncidentPhoto(incidentId: $id, photo: "x") { __typename } }'
    messages = await gql.errors(
        query, {"id": encode_id("Incident", incident.id)}, world.token(Role.BID_MANAGER)
    )
    assert any(
        "Send the file as a part of a multipart request, with a filename." in message for message in messages
    )


async def test_an_upload_variable_given_as_text_is_refused(gql: GraphQLClient, world: World) -> None:
    offender = await make_offender(world.home)
    query = "mutation ($id: ID!, $p: Upload!) { addOffenderPhoto(offenderId: $id, photo: $p) { __typename } }"
    variables = {"id": encode_id("Offender", offender.id), "p": "not a file"}
    messages = await gql.errors(query, variables, world.token(Role.BID_MANAGER))
    assert any(
        "Send the file as a part of a multipart request, with a filename." in message for message in messages
    )


async def test_an_exclusion_starting_near_the_last_date_is_a_validation_error(
    gql: GraphQLClient, world: World
) -> None:
    # Its default end (12 months on) was past year 9999: ValueError inside the service.
    offender = await make_offender(world.home)
    variables = {
        "input": {
            "offenderId": encode_id("Offender", offender.id),
            "startsOn": "9999-06-01",
            "reason": "Theft",
        }
    }
    data = await gql.execute(ISSUE_EXCLUSION, variables, world.token(Role.BID_MANAGER))
    assert data["issueExclusion"]["__typename"] == "ValidationError"
    assert data["issueExclusion"]["field"] == "startsOn"


async def test_an_id_with_non_ascii_digits_finds_nothing(gql: GraphQLClient, world: World) -> None:
    # "Incident:²" made int() fail (a server error); Arabic-Indic digits were a second ID for it.
    incident = await make_incident(world.home)
    for digits in ("²", str(incident.id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))):
        opaque = base64.urlsafe_b64encode(f"Incident:{digits}".encode()).decode().rstrip("=")
        data = await gql.execute(
            "query ($id: ID!) { incident(id: $id) { id } }", {"id": opaque}, world.admin_token
        )
        assert data == {"incident": None}
