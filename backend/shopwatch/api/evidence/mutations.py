"""Evidence mutations: referring to the police, recording the case's progress, signing a witness
statement, listing property, recording a shop's impact statement.

Anything outside the viewer's sight answers NotFound, as if it did not exist; what they see but may
not do answers PermissionDenied with who may.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from shopwatch.actions import evidence as actions
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied, ValidationError
from shopwatch.api.evidence import fields
from shopwatch.api.evidence.permissions import (
    MayRecordImpactStatement,
    MayRecordStatement,
    MayReferToPolice,
    MaySetProperty,
    MayUpdatePoliceCase,
)
from shopwatch.api.evidence.types import BusinessImpactStatement, WitnessStatement
from shopwatch.api.ids import decode_id
from shopwatch.api.incidents.triage import incident_for
from shopwatch.api.incidents.types import Incident
from shopwatch.api.permissions import LOG_IN_FIRST, refusal
from shopwatch.api.places import Shop
from shopwatch.core.errors import InvalidInput, PermissionRefused
from shopwatch.evidence.models import PoliceCaseState
from shopwatch.evidence.property_lines import LineInput
from shopwatch.evidence.statements import StatementInput
from shopwatch.incidents import models
from shopwatch.places.models import Bid as BidModel
from shopwatch.places.models import Shop as ShopModel

NO_SUCH_SHOP = "There is no such shop."


@strawberry.input
class ReferToPoliceInput:
    incident_id: strawberry.ID
    crime_reference: str | None = strawberry.field(
        default=None,
        description="As the police gave it, if they have (e.g. '43/12345/26'); at most 40 characters.",
    )
    note: str | None = strawberry.field(default=None, description="For the police; at most 2,000 characters.")


@strawberry.type
class ReferToPoliceSuccess:
    incident: Incident


ReferToPoliceResult = Annotated[
    ReferToPoliceSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("ReferToPoliceResult"),
]


@strawberry.input
class UpdatePoliceCaseInput:
    incident_id: strawberry.ID
    state: PoliceCaseState
    note: str | None = strawberry.field(default=None, description="At most 2,000 characters.")
    crime_reference: str | None = strawberry.field(
        default=None, description="A new or corrected crime reference; null or blank leaves it as it is."
    )


@strawberry.type
class UpdatePoliceCaseSuccess:
    incident: Incident


UpdatePoliceCaseResult = Annotated[
    UpdatePoliceCaseSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("UpdatePoliceCaseResult"),
]


@strawberry.input(description="The drawn signature and the name typed under it.")
class SignatureInput:
    image: str = strawberry.field(description="A PNG (at most 200 KB), as a data URL or base64.")
    typed_name: str = strawberry.field(description="The witness's name as given in the statement.")


@strawberry.input
class RecordWitnessStatementInput:
    incident_id: strawberry.ID
    witness_name: str
    occupation: str
    over18: bool
    text: str = strawberry.field(description="At most 20,000 characters.")
    signature: SignatureInput
    replaces_id: strawberry.ID | None = strawberry.field(
        default=None, description="The latest version of the statement this one corrects."
    )
    exhibit_photo_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="The photos it produces as exhibits; null: every photo of the incident not yet "
        "an exhibit.",
    )


@strawberry.type
class RecordWitnessStatementSuccess:
    statement: WitnessStatement
    incident: Incident


RecordWitnessStatementResult = Annotated[
    RecordWitnessStatementSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("RecordWitnessStatementResult"),
]


@strawberry.input
class PropertyLineInput:
    description: str
    quantity: int = strawberry.field(description="1 to 10,000.")
    unit_price_pence: int
    recovered: bool = False


@strawberry.input
class SetIncidentPropertyInput:
    incident_id: strawberry.ID
    lines: list[PropertyLineInput] = strawberry.field(description="The whole new list, at most 50 lines.")


@strawberry.type
class SetIncidentPropertySuccess:
    incident: Incident


SetIncidentPropertyResult = Annotated[
    SetIncidentPropertySuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("SetIncidentPropertyResult"),
]


@strawberry.input
class RecordImpactStatementInput:
    shop_id: strawberry.ID
    text: str = strawberry.field(description="At most 10,000 characters.")
    author_name: str
    position: str


@strawberry.type
class RecordImpactStatementSuccess:
    shop: Shop
    impact_statement: BusinessImpactStatement


RecordImpactStatementResult = Annotated[
    RecordImpactStatementSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("RecordImpactStatementResult"),
]


async def _may_refer(incident: models.Incident) -> MayReferToPolice:
    bid = await BidModel.get(id=incident.bid_id)
    return MayReferToPolice(incident, bid.staff_may_refer_to_police)


def _photo_ids(values: list[strawberry.ID] | None) -> list[int] | ValidationError | None:
    if values is None:
        return None
    decoded = [decode_id("Photo", value) for value in values]
    if None in decoded:
        return ValidationError(
            field="exhibitPhotoIds", message="One of these photos is not a photo of this incident."
        )
    return [pk for pk in decoded if pk is not None]


@strawberry.type
class EvidenceMutation:
    @strawberry.mutation(
        description="Refers the incident to the police: its status becomes REFERRED_TO_POLICE (in its "
        "history), the crime reference becomes its police reference, the case starts at REPORTED and every "
        "neighbourhood team covering the BID is emailed a link to it. The BID's managers and administrators, "
        "and the reporter where the BID allows it; once per incident."
    )
    async def refer_to_police(self, info: Info, input: ReferToPoliceInput) -> ReferToPoliceResult:
        incident = await incident_for(info, input.incident_id, _may_refer)
        if not isinstance(incident, models.Incident):
            return incident
        try:
            referred = await actions.refer_to_police(
                info.context.acting, incident, input.crime_reference, input.note
            )
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return ReferToPoliceSuccess(incident=Incident.from_model(referred.incident))

    @strawberry.mutation(
        description="Records a step of a referred incident's case, kept with who and when and shown to the "
        "shop. The police teams covering the BID and administrators."
    )
    async def update_police_case(self, info: Info, input: UpdatePoliceCaseInput) -> UpdatePoliceCaseResult:
        incident = await incident_for(info, input.incident_id, MayUpdatePoliceCase)
        if not isinstance(incident, models.Incident):
            return incident
        try:
            step = await actions.update_police_case(
                info.context.acting, incident, input.state, input.note, input.crime_reference
            )
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return UpdatePoliceCaseSuccess(incident=Incident.from_model(step.incident))

    @strawberry.mutation(
        description="Signs a witness statement with the s.9 declaration; it is never changed afterwards (a "
        "correction is a new version naming the one it replaces). The photos it produces get exhibit "
        "references from the witness's initials. Its SHA-256 goes into the audit trail. The reporter (their "
        "own statement), the BID's managers (taking one down) and administrators."
    )
    async def record_witness_statement(
        self, info: Info, input: RecordWitnessStatementInput
    ) -> RecordWitnessStatementResult:
        incident = await incident_for(info, input.incident_id, MayRecordStatement)
        if not isinstance(incident, models.Incident):
            return incident
        photo_ids = _photo_ids(input.exhibit_photo_ids)
        if isinstance(photo_ids, ValidationError):
            return photo_ids
        replaces_id = None
        if input.replaces_id is not None:
            replaces_id = decode_id("WitnessStatement", input.replaces_id)
            if replaces_id is None:
                return ValidationError(
                    field="replacesId", message="There is no such statement for this incident."
                )
        given = StatementInput(
            witness_name=input.witness_name,
            occupation=input.occupation,
            over_18=input.over18,
            text=input.text,
            signature_image=input.signature.image,
            typed_name=input.signature.typed_name,
            replaces_id=replaces_id,
            exhibit_photo_ids=photo_ids,
        )
        try:
            signed = await actions.record_witness_statement(info.context.acting, incident, given)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        except PermissionRefused as error:
            return PermissionDenied.from_error(error)
        [statement] = [
            row
            for row in await fields.statements(info, incident)
            if row.id == fields.statement_id(signed.statement)
        ]
        return RecordWitnessStatementSuccess(statement=statement, incident=Incident.from_model(incident))

    @strawberry.mutation(
        description="Replaces the incident's property lines; its value stolen becomes what the lines not "
        "recovered add up to. The reporter, the BID's managers and administrators."
    )
    async def set_incident_property(
        self, info: Info, input: SetIncidentPropertyInput
    ) -> SetIncidentPropertyResult:
        incident = await incident_for(info, input.incident_id, MaySetProperty)
        if not isinstance(incident, models.Incident):
            return incident
        lines = [
            LineInput(line.description, line.quantity, line.unit_price_pence, line.recovered)
            for line in input.lines
        ]
        try:
            result = await actions.set_incident_property(info.context.acting, incident, lines)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return SetIncidentPropertySuccess(incident=Incident.from_model(result.incident))

    @strawberry.mutation(
        description="Records the shop's impact statement for business (the latest is the one used). The "
        "shop's own staff, the BID's managers and administrators."
    )
    async def record_impact_statement(
        self, info: Info, input: RecordImpactStatementInput
    ) -> RecordImpactStatementResult:
        viewer = info.context.viewer
        if viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        pk = decode_id("Shop", input.shop_id)
        shop = await ShopModel.get_or_none(id=pk) if pk else None
        if shop is None or not viewer.can_see_bid(shop.bid_id):
            return NotFound(message=NO_SUCH_SHOP)
        if denied := refusal(viewer, MayRecordImpactStatement(shop)):
            return denied
        try:
            recorded = await actions.record_impact_statement(
                info.context.acting, shop, input.text, input.author_name, input.position
            )
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return RecordImpactStatementSuccess(
            shop=Shop.from_model(shop), impact_statement=BusinessImpactStatement.from_model(recorded)
        )
