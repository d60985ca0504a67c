"""Realistic evidence documents for the PDF tests: a shop worker's statement and an incident's summary."""

import io
from dataclasses import replace
from datetime import UTC, datetime

from PIL import Image, ImageDraw

from shopwatch.evidence.classification import classify
from shopwatch.evidence.declaration import S9_DECLARATION
from shopwatch.evidence.documents import (
    CaseEvent,
    ExhibitEntry,
    ImpactStatementEntry,
    IncidentSummaryDocument,
    PropertyItem,
    StatementDocument,
    StatementEntry,
)
from shopwatch.incidents.models import IncidentKind

SIGNED_AT = datetime(2026, 12, 5, 15, 10, tzinfo=UTC)

PARAGRAPHS = [
    "I am Siân Rhys-Łukasz and I work as a sales assistant at Dŵr a Thân Hardware, 12 High Street, "
    "Machynlleth. I have worked there for three years. I am usually on the tills and do stock "
    "replenishment in the afternoons.",
    "On Saturday 5 December 2026 at about 14:05 I was working alone on the shop floor near the tool "
    "aisle. I saw a man I did not know come in through the front door. He was white, about 30 years "
    "old, about 5 foot 10 inches tall, of slim build, with short dark hair and a beard. He wore a grey "
    "hooded top with the hood up, dark blue jeans and white trainers, and he carried a black rucksack.",
    "He went straight to the power tools. I watched him from about four metres away with nothing in "
    "the way; the lighting in the aisle is good. He picked up two cordless drills (Makita, £89.99 each) "
    "and a set of drill bits (£24.50) and put them into his rucksack. He looked towards me and then "
    "walked quickly to the front door and left without paying, turning left towards the car park.",
    "I did not give anyone permission to take the goods, and no one else was entitled to take them "
    "without paying. I shouted at him to stop but he did not. I followed him to the door and saw him "
    "get into a silver Ford Focus, registration AB12 CDE, which drove off towards the A487.",
    "One of the drills was found later by my colleague Zoë Ó Briain, dropped in the car park, "
    "undamaged. It was put back on sale. The other drill and the drill bits have not been recovered.",
    "The shop's CCTV recorded the whole incident. I took photographs of the empty shelf and of the "
    "car park on my phone straight afterwards, which I produce as exhibits MS/1 and MS/2. I would "
    "recognise the man again. I am willing to attend court if required.",
]

_EXHIBITS = [
    ("MS/1", "Photograph of the empty power-tool shelf, taken 5 Dec 2026 14:20 (IMG_0042.jpg)"),
    ("MS/2", "Photograph of the car park where the drill was found (IMG_0043.jpg)"),
]


def signature_png() -> bytes:
    """A drawn signature as the app's canvas sends it: dark strokes on a transparent background."""
    image = Image.new("RGBA", (600, 180), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(30, 120), (70, 40), (100, 140), (140, 60), (170, 110), (230, 70), (260, 130), (330, 50)]
    points += [(380, 120), (420, 90), (470, 100), (520, 60), (570, 110)]
    draw.line(points, fill=(20, 20, 60, 255), width=6, joint="curve")
    draw.line([(60, 150), (540, 140)], fill=(20, 20, 60, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def statement(paragraphs: int = len(PARAGRAPHS), **changes: object) -> StatementDocument:
    document = StatementDocument(
        reference="MH-2026-00154",
        witness_name="Siân Rhys-Łukasz",
        occupation="Sales assistant",
        over_18=True,
        text="\n\n".join(PARAGRAPHS[:paragraphs]),
        declaration=S9_DECLARATION,
        signed_name="Siân Rhys-Łukasz",
        signed_at=SIGNED_AT,
        signature_png=signature_png(),
        exhibits=_EXHIBITS,
        version=1,
        replaces_version=None,
        sha256="3f" * 32,
        police_reference="DP/12345/26",
    )
    return replace(document, **changes)  # type: ignore[arg-type]


def summary(**changes: object) -> IncidentSummaryDocument:
    document = IncidentSummaryDocument(
        reference="MH-2026-00154",
        kind=IncidentKind.THEFT.value,
        classification=classify(IncidentKind.THEFT, False),
        occurred_at=datetime(2026, 12, 5, 14, 5, tzinfo=UTC),
        reported_at=datetime(2026, 12, 5, 14, 31, tzinfo=UTC),
        reported_by="Siân Rhys-Łukasz",
        shop_name="Dŵr a Thân Hardware",
        shop_address="12 High Street, Machynlleth",
        shop_postcode="SY20 8AA",
        bid_name="Machynlleth Town Centre",
        description="Man took two cordless drills and a set of drill bits from the tool aisle and left "
        "without paying; drove off in a silver Ford Focus AB12 CDE. One drill found in the car park.",
        value_stolen_pence=11449,
        injury=False,
        police_reference="DP/12345/26",
        vehicle_registration="AB12 CDE",
        offenders=["Grey hoodie, beard (gallery #17)"],
        property=[
            PropertyItem("Makita cordless drill DHP482", 1, 8999, False),
            PropertyItem("Makita cordless drill DHP482 (found in the car park)", 1, 8999, True),
            PropertyItem("HSS drill bit set, 19 pieces", 1, 2450, False),
        ],
        case_history=[
            CaseEvent(
                datetime(2026, 12, 5, 16, 0, tzinfo=UTC),
                "REPORTED",
                "CCTV kept; staff statement signed.",
                "Zoë Ó Briain",
            ),
            CaseEvent(
                datetime(2026, 12, 6, 9, 30, tzinfo=UTC),
                "CRIME_NUMBER_ISSUED",
                "Allocated to Machynlleth neighbourhood team.",
                "PCSO Dafydd Llŷr",
                crime_reference="DP/12345/26",
            ),
        ],
        statements=[
            StatementEntry(
                "Siân Rhys-Łukasz", 1, None, SIGNED_AT, "3f" * 32, "statements/MH-2026-00154-MG11-SR-v1.pdf"
            ),
        ],
        exhibits=[
            ExhibitEntry(
                "MS/1",
                "Photograph IMG_0042.jpg, 4032 x 3024",
                "Siân Rhys-Łukasz",
                "a1" * 32,
                "exhibits/MS-1.jpg",
            ),
            ExhibitEntry(
                "MS/2",
                "Photograph IMG_0043.jpg, 4032 x 3024",
                "Siân Rhys-Łukasz",
                "b2" * 32,
                "exhibits/MS-2.jpg",
            ),
        ],
        impact_statement=ImpactStatementEntry(
            "Thefts like this one cost us about £4,000 a year. Two of our staff have asked not to work "
            "alone on Saturdays since the summer, and we now pay for a second person on the tills.",
            "Gwenllian Pugh",
            "Owner",
            datetime(2026, 11, 2, 10, 0, tzinfo=UTC),
        ),
        prepared_at=datetime(2026, 12, 7, 11, 0, tzinfo=UTC),
        prepared_by="PCSO Dafydd Llŷr",
    )
    return replace(document, **changes)  # type: ignore[arg-type]
