"""Everything the retention rules ask for, in one run: `shopwatch purge` and the worker's daily pass.

Forgotten offenders lose their names, photos and exclusion reasons, and so do the alert emails that
named them; old incidents lose their free text and photos, and their witness statements, case notes
and property descriptions; emails finished 30 days ago lose their
bodies. A run that changed anything is written to the audit trail with its counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shopwatch.alerts.retention import forget_offenders_in_emails, forget_offenders_in_notes
from shopwatch.core.audit.trail import SYSTEM, record
from shopwatch.core.mail.retention import drop_old_bodies
from shopwatch.core.storage import PhotoStore
from shopwatch.evidence.retention import forget_evidence_of_redacted_incidents
from shopwatch.incidents.retention import redact_old_incidents
from shopwatch.offenders.retention import redact_dormant_offenders


@dataclass(frozen=True)
class Purged:
    offenders: int
    incidents: int
    statements: int  # witness statements of redacted incidents, removed
    alert_emails: int  # emails cleared of a forgotten offender's name
    alert_notes: int  # acknowledgement notes of alerts about a forgotten offender, cleared
    email_bodies: int  # emails whose bodies were dropped 30 days after they finished

    @property
    def changed(self) -> int:
        return (
            self.offenders
            + self.incidents
            + self.statements
            + self.alert_emails
            + self.alert_notes
            + self.email_bodies
        )


async def purge(store: PhotoStore, moment: datetime) -> Purged:
    """Everything retention asks for, as of `moment`, recorded in the audit trail when it did anything."""
    offenders = await redact_dormant_offenders(store, moment)
    incidents = await redact_old_incidents(store, moment)
    purged = Purged(
        offenders=offenders,
        incidents=incidents,
        statements=await forget_evidence_of_redacted_incidents(),
        alert_emails=await forget_offenders_in_emails(),
        alert_notes=await forget_offenders_in_notes(),
        email_bodies=await drop_old_bodies(moment),
    )
    if purged.changed:
        await record(
            SYSTEM,
            "retention.purge",
            offenders=purged.offenders,
            incidents=purged.incidents,
            statements=purged.statements,
            alert_emails=purged.alert_emails,
            alert_notes=purged.alert_notes,
            email_bodies=purged.email_bodies,
        )
    return purged
