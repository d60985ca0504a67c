"""The Home Office counting-rule classification of a reported incident, for the police's crime record.

Codes and names are those of the Home Office Counting Rules for Recorded Crime (England and Wales,
the edition in force from April 2021 onwards; the classes used here have not changed since 2017).
A class is a suggestion for the officer who records the crime: the counting rules, not this table,
decide, and a burglary or damage to something other than the shop's building would be classed
differently.
"""

from dataclasses import dataclass

from shopwatch.incidents.models import IncidentKind


@dataclass(frozen=True)
class Classification:
    code: str | None  # None: not a crime the police record under a Home Office class
    name: str

    def __str__(self) -> str:
        return self.name if self.code is None else f"{self.code} {self.name}"


# Counting rules, "Theft Offences": class 46, theft from a shop or stall.
SHOPLIFTING = Classification("46", "Shoplifting")
# Counting rules, "Violence against the Person", violence with injury: class 8N.
ASSAULT_WITH_INJURY = Classification("8N", "Assault with injury")
# Counting rules, "Violence against the Person", violence without injury: class 105A (common assault
# and battery).
ASSAULT_WITHOUT_INJURY = Classification("105A", "Assault without injury")
# Counting rules, "Public Order Offences": class 9A, Public Order Act 1986 ss.4, 4A and 5 (threatening,
# abusive or insulting words or behaviour).
PUBLIC_FEAR = Classification("9A", "Public fear, alarm or distress")
# Counting rules, "Arson and Criminal Damage": class 58B, damage to a building other than a dwelling
# (a shop is one).
CRIMINAL_DAMAGE_TO_BUILDING = Classification("58B", "Criminal damage to a building other than a dwelling")
# Counting rules, "Burglary": class 30C, burglary - business and community (30D when only attempted).
BURGLARY_BUSINESS = Classification("30C", "Burglary - business and community")
# Counting rules, "Fraud": since 2013-14 fraud is recorded centrally by Action Fraud (the National
# Fraud Intelligence Bureau), not by the local force, so the force gives it no class of its own.
FRAUD = Classification(None, "Fraud: to be reported to Action Fraud, which records it")
# Antisocial behaviour is recorded as an incident (National Standard for Incident Recording), never as a
# notifiable crime; a crime found within it is classed as that crime.
ANTISOCIAL_BEHAVIOUR = Classification(None, "Antisocial behaviour: an incident, not a notifiable crime")
OTHER = Classification(None, "Not classified: the officer recording the crime decides")


def classify(kind: IncidentKind | str, injury: bool | None) -> Classification:
    """The class for an incident of `kind`; an assault is with injury only when an injury was reported."""
    kind = IncidentKind(kind)
    if kind is IncidentKind.ASSAULT:
        return ASSAULT_WITH_INJURY if injury else ASSAULT_WITHOUT_INJURY
    return {
        IncidentKind.THEFT: SHOPLIFTING,
        IncidentKind.THREATS_AND_ABUSE: PUBLIC_FEAR,
        IncidentKind.CRIMINAL_DAMAGE: CRIMINAL_DAMAGE_TO_BUILDING,
        IncidentKind.ANTISOCIAL_BEHAVIOUR: ANTISOCIAL_BEHAVIOUR,
        IncidentKind.BURGLARY: BURGLARY_BUSINESS,
        IncidentKind.FRAUD: FRAUD,
        IncidentKind.OTHER: OTHER,
    }[kind]
