"""GraphQL types for an incident's evidence: its police case, witness statements, exhibits and
property, and a shop's impact statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from shopwatch.api.accounts import User
from shopwatch.api.context import Info
from shopwatch.api.ids import encode_id
from shopwatch.evidence import models
from shopwatch.evidence.declaration import DECLARATION_AS_SIGNED
from shopwatch.evidence.property_lines import line_total
from shopwatch.evidence.signatures import signature_data_url
from shopwatch.incidents.models import Photo as PhotoModel

if TYPE_CHECKING:
    from shopwatch.api.incidents.types import Photo

# Registers the domain enum with strawberry (it returns the same class), so annotations use it as is.
strawberry.enum(models.PoliceCaseState, name="PoliceCaseState")


async def _user(info: Info, pk: int | None) -> User | None:
    if pk is None:
        return None
    user = await info.context.loaders.user.load(pk)
    return User.from_model(user) if user else None


@strawberry.type(description="One step of a police case, with who recorded it and when.")
class PoliceCaseUpdate:
    id: strawberry.ID
    state: models.PoliceCaseState
    note: str = strawberry.field(description="Empty if none was given.")
    crime_reference: str | None = strawberry.field(
        description="The crime reference as it stood after this step."
    )
    at: datetime
    by_pk: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, update: models.PoliceCaseUpdate) -> PoliceCaseUpdate:
        return cls(
            id=encode_id("PoliceCaseUpdate", update.id),
            state=update.state,
            note=update.note,
            crime_reference=update.crime_reference,
            at=update.at,
            by_pk=update.by_user_id,
        )

    @strawberry.field(description="Null if their account was deleted.")
    async def by(self, info: Info) -> User | None:
        return await _user(info, self.by_pk)


@strawberry.type(description="An incident referred to the police, and its progress since.")
class PoliceCase:
    crime_reference: str | None = strawberry.field(description="The latest the police gave, if any.")
    state: models.PoliceCaseState = strawberry.field(description="The latest step's.")
    referred_at: datetime
    updates: list[PoliceCaseUpdate] = strawberry.field(
        description="Every step, oldest first; the referral first."
    )
    referred_by_pk: strawberry.Private[int | None]

    @classmethod
    def from_updates(cls, updates: Sequence[models.PoliceCaseUpdate]) -> PoliceCase:
        first, latest = updates[0], updates[-1]
        return cls(
            crime_reference=latest.crime_reference,
            state=latest.state,
            referred_at=first.at,
            updates=[PoliceCaseUpdate.from_model(update) for update in updates],
            referred_by_pk=first.by_user_id,
        )

    @strawberry.field(description="Null if their account was deleted.")
    async def referred_by(self, info: Info) -> User | None:
        return await _user(info, self.referred_by_pk)


@strawberry.type(description="A photo of the incident as a numbered exhibit, e.g. 'MS/1'.")
class Exhibit:
    reference: str
    photo_model: strawberry.Private[PhotoModel]
    originals: strawberry.Private[bool]

    @strawberry.field
    def photo(self) -> Annotated[Photo, strawberry.lazy("shopwatch.api.incidents.types")]:
        from shopwatch.api.incidents.types import Photo

        return Photo.from_model(self.photo_model, self.originals)


@dataclass(frozen=True)
class ExhibitRow:
    reference: str
    photo: PhotoModel


@strawberry.type(
    description="A signed witness statement (MG11). Never changed: a correction is a new version."
)
class WitnessStatement:
    id: strawberry.ID
    version: int
    replaces_id: strawberry.ID | None = strawberry.field(description="The version this one corrects.")
    witness_name: str
    occupation: str
    over18: bool
    text: str
    declaration: str = strawberry.field(
        description="The Criminal Justice Act 1967 s.9 declaration as on the MG11; the printed statement "
        "fills in its page count where this shows '…'."
    )
    signed_name: str
    signed_at: datetime
    signature_image: str = strawberry.field(
        description="The drawn signature, as a data:image/png;base64 URL."
    )
    sha256: str = strawberry.field(description="Of the statement as signed; the audit trail holds it too.")
    exhibits: list[Exhibit] = strawberry.field(
        description="What it produces: the exhibits it and the versions it corrects produced, in order."
    )
    taken_by_pk: strawberry.Private[int | None]

    @classmethod
    def from_model(
        cls, statement: models.WitnessStatement, exhibits: Sequence[ExhibitRow], originals: bool
    ) -> WitnessStatement:
        return cls(
            id=encode_id("WitnessStatement", statement.id),
            version=statement.version,
            replaces_id=encode_id("WitnessStatement", statement.replaces_id)
            if statement.replaces_id
            else None,
            witness_name=statement.witness_name,
            occupation=statement.occupation,
            over18=statement.over_18,
            text=statement.text,
            declaration=DECLARATION_AS_SIGNED,
            signed_name=statement.signed_name,
            signed_at=statement.signed_at,
            signature_image=signature_data_url(bytes(statement.signature_png)),
            sha256=statement.sha256,
            exhibits=[
                Exhibit(reference=row.reference, photo_model=row.photo, originals=originals)
                for row in exhibits
            ],
            taken_by_pk=statement.taken_by_id,
        )

    @strawberry.field(description="The manager who took the statement down; null for the witness's own.")
    async def taken_by(self, info: Info) -> User | None:
        return await _user(info, self.taken_by_pk)


@strawberry.type(description="One line of the property taken or damaged; money in pence.")
class PropertyLine:
    id: strawberry.ID
    description: str
    quantity: int
    unit_price_pence: int
    recovered: bool
    total_pence: int = strawberry.field(description="quantity times unitPricePence.")

    @classmethod
    def from_model(cls, line: models.PropertyLine) -> PropertyLine:
        return cls(
            id=encode_id("PropertyLine", line.id),
            description=line.description,
            quantity=line.quantity,
            unit_price_pence=line.unit_price_pence,
            recovered=line.recovered,
            total_pence=line_total(line),
        )


@strawberry.type(description="What crime does to the shop's business, in its own words.")
class BusinessImpactStatement:
    text: str
    author_name: str
    position: str
    recorded_at: datetime

    @classmethod
    def from_model(cls, statement: models.BusinessImpactStatement) -> BusinessImpactStatement:
        return cls(
            text=statement.text,
            author_name=statement.author_name,
            position=statement.position,
            recorded_at=statement.recorded_at,
        )
