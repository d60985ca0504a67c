"""Alerts about an offender the retention policy has forgotten: their emails' bodies go, and a subject
in the old form, which named the offender, is written again in today's, which names the rule and the
shop (the envelope stays, so the alert's deliveries still show); their acknowledgement notes go."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from shopwatch.alerts.emails import email_subject
from shopwatch.alerts.models import Alert
from shopwatch.alerts.rules import RULE_TITLES
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.incidents.models import Incident

WITHDRAWN = "Withdrawn: the offender it names was removed under the retention policy."
# Subjects were "Shopwatch alert: <rule> - <offender's name> (<BID>)" until migration 0012.
OLD_SUBJECT_START = "Shopwatch alert:"


async def forget_offenders_in_emails() -> int:
    """Clear every stored email of an alert about a forgotten offender that still names them; how many.
    Finds its work from the data, so a run interrupted after the offenders were redacted is made good."""
    naming = (
        OutboxEmail.filter(alert_recipients__alert__offender__redacted_at__isnull=False)
        .filter(Q(text_body__not="") | Q(html_body__not="") | Q(subject__startswith=OLD_SUBJECT_START))
        .distinct()
    )
    rows = await naming.values_list(
        "id", "subject", "alert_recipients__alert_id", "alert_recipients__alert__rule"
    )
    async with in_transaction():
        for email_id, subject, alert_id, rule in rows:
            if str(subject).startswith(OLD_SUBJECT_START):
                subject = email_subject(RULE_TITLES[rule], await _latest_shop(int(alert_id)))
            await OutboxEmail.filter(id=email_id).update(subject=subject, text_body="", html_body="")
        # One not yet sent would now arrive empty, so it is not sent at all.
        await OutboxEmail.filter(id__in=[row[0] for row in rows], state=DeliveryState.PENDING).update(
            state=DeliveryState.FAILED, last_error=WITHDRAWN
        )
    return len(rows)


async def forget_offenders_in_notes() -> int:
    """Clear the acknowledgement notes of alerts about a forgotten offender (free text, which may name
    them); how many."""
    return await Alert.filter(offender__redacted_at__isnull=False, acknowledgement_note__isnull=False).update(
        acknowledgement_note=None
    )


async def _latest_shop(alert_id: int) -> str:
    """The shop of the alert's latest incident: where the incident that raised it happened, usually."""
    names = (
        await Incident.filter(alerts__id=alert_id)
        .order_by("-occurred_at", "-id")
        .limit(1)
        .values_list("shop__name", flat=True)
    )
    return str(names[0]) if names else "a shop"
