"""Who may do what with evidence, as rules with the message shown when they refuse (the decisions
themselves are evidence/access.py's)."""

from __future__ import annotations

from dataclasses import dataclass

from shopwatch.accounts.viewer import Viewer
from shopwatch.api.permissions import Rule
from shopwatch.evidence import access
from shopwatch.incidents.models import Incident
from shopwatch.places.models import Shop


@dataclass
class MayReferToPolice(Rule):
    incident: Incident
    staff_may_refer: bool
    message = (
        "Only the BID's managers or an administrator can refer an incident to the police "
        "(or its reporter, where the BID allows it)."
    )

    def allows(self, viewer: Viewer) -> bool:
        return access.may_refer(viewer, self.incident, self.staff_may_refer)


@dataclass
class MayUpdatePoliceCase(Rule):
    incident: Incident
    message = "Only the police team covering the BID or an administrator can record the case's progress."

    def allows(self, viewer: Viewer) -> bool:
        return access.may_update_case(viewer, self.incident)


@dataclass
class MayRecordStatement(Rule):
    incident: Incident
    message = (
        "Only the incident's reporter (their own statement), the BID's managers or an administrator can "
        "record a witness statement."
    )

    def allows(self, viewer: Viewer) -> bool:
        return access.may_record_statement(viewer, self.incident)


@dataclass
class MaySetProperty(Rule):
    incident: Incident
    message = "Only the incident's reporter, the BID's managers or an administrator can list its property."

    def allows(self, viewer: Viewer) -> bool:
        return access.may_set_property(viewer, self.incident)


@dataclass
class MayRecordImpactStatement(Rule):
    shop: Shop
    message = (
        "Only the shop's own staff, the BID's managers or an administrator can record its impact statement."
    )

    def allows(self, viewer: Viewer) -> bool:
        return access.may_record_impact(viewer, self.shop)
