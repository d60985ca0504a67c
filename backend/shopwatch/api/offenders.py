"""GraphQL for the offender gallery."""

from __future__ import annotations

import strawberry

from shopwatch.api.ids import encode_id
from shopwatch.offenders import models

strawberry.enum(models.OffenderStatus, name="OffenderStatus")


@strawberry.type
class Offender:
    id: strawberry.ID
    display_name: str
    description: str
    status: models.OffenderStatus
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, offender: models.Offender) -> Offender:
        return cls(
            id=encode_id("Offender", offender.id),
            display_name=offender.display_name,
            description=offender.description,
            status=offender.status,
            pk=offender.id,
        )
