"""The Home Office counting-rule class printed on the incident summary, per kind of incident."""

import pytest

from shopwatch.evidence.classification import classify
from shopwatch.incidents.models import IncidentKind


@pytest.mark.parametrize(
    ("kind", "injury", "code", "name"),
    [
        (IncidentKind.THEFT, None, "46", "Shoplifting"),
        (IncidentKind.ASSAULT, True, "8N", "Assault with injury"),
        (IncidentKind.ASSAULT, False, "105A", "Assault without injury"),
        (IncidentKind.ASSAULT, None, "105A", "Assault without injury"),
        (IncidentKind.THREATS_AND_ABUSE, None, "9A", "Public fear, alarm or distress"),
        (IncidentKind.CRIMINAL_DAMAGE, None, "58B", "Criminal damage to a building other than a dwelling"),
        (IncidentKind.BURGLARY, None, "30C", "Burglary - business and community"),
    ],
)
def test_a_notifiable_kind_gets_its_class(
    kind: IncidentKind, injury: bool | None, code: str, name: str
) -> None:
    classification = classify(kind, injury)
    assert (classification.code, classification.name) == (code, name)
    assert str(classification) == f"{code} {name}"


def test_fraud_antisocial_behaviour_and_other_get_no_class_and_say_why() -> None:
    assert classify(IncidentKind.FRAUD, None).code is None
    assert "Action Fraud" in classify(IncidentKind.FRAUD, None).name
    assert classify(IncidentKind.ANTISOCIAL_BEHAVIOUR, None).code is None
    assert "not a notifiable crime" in str(classify(IncidentKind.ANTISOCIAL_BEHAVIOUR, None))
    assert classify(IncidentKind.OTHER, True).code is None


def test_every_kind_has_a_classification_and_a_string_kind_is_accepted() -> None:
    assert all(classify(kind, None).name for kind in IncidentKind)
    assert classify("THEFT", None).code == "46"
