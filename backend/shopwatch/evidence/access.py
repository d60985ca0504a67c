"""Who may do what with an incident's evidence. Callers have already checked that the viewer may
see the incident (or shop) at all; these decide what they may do with it."""

from __future__ import annotations

from shopwatch.accounts.viewer import Viewer
from shopwatch.evidence.models import WitnessStatement
from shopwatch.incidents.models import Incident
from shopwatch.places.models import Shop


def works_the_case(viewer: Viewer, bid_id: int) -> bool:
    """The BID's managers, the police teams covering it and administrators."""
    return viewer.manages_bid(bid_id) or bid_id in viewer.police_bid_ids


def may_refer(viewer: Viewer, incident: Incident, staff_may_refer: bool) -> bool:
    """The BID's managers and administrators; the reporter too when their BID allows it."""
    if viewer.manages_bid(incident.bid_id):
        return True
    return staff_may_refer and incident.reporter_id == viewer.user.id


def may_update_case(viewer: Viewer, incident: Incident) -> bool:
    """The police teams covering the BID and administrators."""
    return viewer.is_admin or incident.bid_id in viewer.police_bid_ids


def may_record_statement(viewer: Viewer, incident: Incident) -> bool:
    """The reporter (their own statement), the BID's managers (taking one down) and administrators."""
    return viewer.manages_bid(incident.bid_id) or incident.reporter_id == viewer.user.id


def makes_own_statement(viewer: Viewer, incident: Incident) -> bool:
    """A reporter who does not manage the BID records their own statement; a manager takes one down."""
    return incident.reporter_id == viewer.user.id and not viewer.manages_bid(incident.bid_id)


def may_correct(viewer: Viewer, incident: Incident, statement: WitnessStatement) -> bool:
    """Managers correct any statement of their BID's incidents; a witness only their own."""
    return viewer.manages_bid(incident.bid_id) or statement.witness_user_id == viewer.user.id


def may_see_statement(viewer: Viewer, incident: Incident, statement: WitnessStatement) -> bool:
    """Managers, covering police, administrators, and the witness themselves."""
    return works_the_case(viewer, incident.bid_id) or statement.witness_user_id == viewer.user.id


def may_set_property(viewer: Viewer, incident: Incident) -> bool:
    """The reporter, the BID's managers and administrators."""
    return viewer.manages_bid(incident.bid_id) or incident.reporter_id == viewer.user.id


def may_download_pack(viewer: Viewer, incident: Incident) -> bool:
    """The BID's managers, covering police and administrators."""
    return works_the_case(viewer, incident.bid_id)


def may_see_impact(viewer: Viewer, shop_id: int, bid_id: int) -> bool:
    """A shop's impact statement: the BID's managers, covering police, administrators and the
    shop's own staff."""
    return works_the_case(viewer, bid_id) or viewer.works_at_shop(shop_id)


def may_record_impact(viewer: Viewer, shop: Shop) -> bool:
    """The shop's own staff, the BID's managers and administrators."""
    return viewer.manages_bid(shop.bid_id) or viewer.works_at_shop(shop.id)


def evidence_pack_path(incident_id: str) -> str:
    """Where the evidence pack of the incident with this GraphQL id is downloaded from."""
    return f"/export/evidence/{incident_id}.zip"
