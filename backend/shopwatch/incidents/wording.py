"""The app's words for incidents, shared by every email and document that describes one (the
frontend's dom.js and views/reports.js use the same; tests/alerts/test_alert_emails.py keeps them so)."""

from __future__ import annotations

from datetime import datetime

from shopwatch.core.clock import LOCAL_ZONE
from shopwatch.incidents.models import IncidentKind, IncidentStatus

KIND_WORDS: dict[IncidentKind, str] = {
    IncidentKind.THEFT: "Theft",
    IncidentKind.ASSAULT: "Assault",
    IncidentKind.THREATS_AND_ABUSE: "Threats or abuse",
    IncidentKind.CRIMINAL_DAMAGE: "Criminal damage",
    IncidentKind.ANTISOCIAL_BEHAVIOUR: "Antisocial behaviour",
    IncidentKind.BURGLARY: "Burglary",
    IncidentKind.FRAUD: "Fraud",
    IncidentKind.OTHER: "Other",
}
STATUS_WORDS: dict[IncidentStatus, str] = {
    IncidentStatus.NEW: "New",
    IncidentStatus.REVIEWED: "Reviewed",
    IncidentStatus.REFERRED_TO_POLICE: "Referred to police",
    IncidentStatus.CLOSED: "Closed",
}


def local_time(moment: datetime) -> str:
    """'Tue 3 Mar 2026, 14:05 GMT', in UK time."""
    local = moment.astimezone(LOCAL_ZONE)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"
