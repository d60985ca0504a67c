"""GraphQL documents for evidence, as the app sends them."""

from __future__ import annotations

from typing import Any

from shopwatch.api.ids import encode_id
from shopwatch.incidents.models import Incident
from tests.support.evidence import signature_url
from tests.support.graphql import GraphQLClient

RESULT = (
    "__typename ... on ValidationError { field message } ... on PermissionDenied { message } "
    "... on NotFound { message }"
)

REFER = f"""mutation R($input: ReferToPoliceInput!) {{
  referToPolice(input: $input) {{ {RESULT}
    ... on ReferToPoliceSuccess {{
      incident {{ id status policeReference policeCase {{ state crimeReference }} }} }} }} }}"""
UPDATE_CASE = f"""mutation U($input: UpdatePoliceCaseInput!) {{
  updatePoliceCase(input: $input) {{ {RESULT}
    ... on UpdatePoliceCaseSuccess {{ incident {{ policeReference policeCase {{ state crimeReference
      updates {{ state note crimeReference by {{ email }} }} }} }} }} }} }}"""
SIGN = f"""mutation S($input: RecordWitnessStatementInput!) {{
  recordWitnessStatement(input: $input) {{ {RESULT}
    ... on RecordWitnessStatementSuccess {{
      statement {{ id version replacesId witnessName sha256 signedName
        exhibits {{ reference photo {{ id exhibitReference }} }} takenBy {{ email }} }} }} }} }}"""
SET_PROPERTY = f"""mutation P($input: SetIncidentPropertyInput!) {{
  setIncidentProperty(input: $input) {{ {RESULT}
    ... on SetIncidentPropertySuccess {{ incident {{ valueStolenPence
      property {{ description quantity unitPricePence recovered totalPence }} }} }} }} }}"""
RECORD_IMPACT = f"""mutation I($input: RecordImpactStatementInput!) {{
  recordImpactStatement(input: $input) {{ {RESULT}
    ... on RecordImpactStatementSuccess {{ impactStatement {{ text authorName position }}
      shop {{ impactStatement {{ text }} }} }} }} }}"""
EVIDENCE = """query E($id: ID!) { incident(id: $id) { status policeReference valueStolenPence
  policeCase { state crimeReference referredAt referredBy { email } updates { state note by { email } } }
  statements { id version replacesId witnessName occupation over18 text declaration signedName signedAt
    signatureImage sha256 exhibits { reference photo { id } } takenBy { email } }
  statementDraft property { description quantity unitPricePence recovered totalPence }
  mayReferToPolice mayRecordStatement mayUpdatePoliceCase evidencePackUrl
  photos { id exhibitReference } history { status note } } }"""


def incident_id(incident: Incident) -> str:
    return encode_id("Incident", incident.id)


def statement_variables(incident: Incident, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "incidentId": incident_id(incident),
        "witnessName": "Mary Ann Smith",
        "occupation": "Shop assistant",
        "over18": True,
        "text": "I saw a man put two bottles of gin in his coat and walk out without paying.",
        "signature": {"image": signature_url(), "typedName": "Mary Ann Smith"},
    }
    return {"input": {**values, **changes}}


async def run(
    gql: GraphQLClient, document: str, variables: dict[str, Any], token: str | None
) -> dict[str, Any]:
    """The mutation's result (the first field of `data`)."""
    data = await gql.execute(document, variables, token=token)
    return next(iter(data.values()))


async def evidence(gql: GraphQLClient, incident: Incident, token: str | None) -> dict[str, Any]:
    data = await gql.execute(EVIDENCE, {"id": incident_id(incident)}, token=token)
    result: dict[str, Any] = data["incident"]
    return result
