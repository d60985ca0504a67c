"""What the evidence pack's PDFs say, as plain values: filled from the database by the pack, printed by
`evidence.pdf` without touching the database, so the same values always give the same bytes.

Times are aware datetimes (printed in UK time with their UTC offset); money is integer pence.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shopwatch.evidence.classification import Classification


@dataclass(frozen=True)
class StatementDocument:
    """One version of a witness statement, laid out as an MG11."""

    reference: str  # the incident's reference (e.g. MH-2026-00154), printed as the URN
    witness_name: str
    occupation: str
    over_18: bool
    text: str
    # The declaration as stored with the statement; "{pages}" (or the app's "…") becomes the page count.
    declaration: str
    signed_name: str
    signed_at: datetime
    signature_png: bytes
    exhibits: Sequence[tuple[str, str]]  # (reference, what), e.g. ("MS/1", "Photograph IMG_0042.jpg")
    version: int
    replaces_version: int | None
    sha256: str
    police_reference: str | None = None  # the crime reference, when the police have given one
    taken_by: str | None = None  # who wrote it down, when not the witness


@dataclass(frozen=True)
class PropertyItem:
    description: str
    quantity: int
    unit_price_pence: int
    recovered: bool

    @property
    def total_pence(self) -> int:
        return self.quantity * self.unit_price_pence


@dataclass(frozen=True)
class CaseEvent:
    """One step of the police case (the referral first) or of the report's status history."""

    at: datetime
    state: str  # e.g. "REPORTED", "CRIME_NUMBER_ISSUED", or a status such as "REVIEWED"
    note: str
    by: str | None  # the person's name; None when no longer known
    crime_reference: str | None = None


@dataclass(frozen=True)
class StatementEntry:
    witness_name: str
    version: int
    replaces_version: int | None
    signed_at: datetime
    sha256: str
    file_name: str | None = None  # where the pack holds its PDF


@dataclass(frozen=True)
class ExhibitEntry:
    reference: str  # e.g. "MS/1"
    what: str  # e.g. "Photograph IMG_0042.jpg, 4032 x 3024"
    produced_by: str  # the witness whose statement produced it
    sha256: str  # of the original file, byte for byte
    file_name: str | None = None  # where the pack holds the original


@dataclass(frozen=True)
class ImpactStatementEntry:
    text: str
    author_name: str
    position: str
    recorded_at: datetime


@dataclass(frozen=True)
class IncidentSummaryDocument:
    reference: str
    kind: str  # an IncidentKind value, printed in the app's words ("Threats or abuse")
    classification: Classification
    occurred_at: datetime
    reported_at: datetime
    reported_by: str | None
    shop_name: str
    shop_address: str
    shop_postcode: str
    bid_name: str
    description: str
    value_stolen_pence: int | None
    injury: bool | None
    police_reference: str | None
    vehicle_registration: str | None
    offenders: Sequence[str]  # display names of the linked gallery records
    property: Sequence[PropertyItem]
    case_history: Sequence[CaseEvent]  # oldest first
    statements: Sequence[StatementEntry]  # every version, oldest first
    exhibits: Sequence[ExhibitEntry]
    impact_statement: ImpactStatementEntry | None
    prepared_at: datetime  # when the pack was made; also the PDF's creation date
    prepared_by: str
