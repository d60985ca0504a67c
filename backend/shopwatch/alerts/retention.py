"""Alert emails about an offender the retention policy has forgotten: their bodies go and their
subjects are written again without the name. The envelope stays, so the alert's deliveries still show."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from shopwatch.alerts.emails import email_subject
from shopwatch.alerts.rules import RULE_TITLES
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.offenders.retention import REDACTED_NAME

WITHDRAWN = "Withdrawn: the offender it names was removed under the retention policy."


async def forget_offenders_in_emails() -> int:
    """Clear every stored email of an alert about a forgotten offender that still names them; how many.
    Finds its work from the data, so a run interrupted after the offenders were redacted is made good."""
    naming = (
        OutboxEmail.filter(alert_recipients__alert__offender__redacted_at__isnull=False)
        .filter(Q(text_body__not="") | Q(html_body__not="") | ~Q(subject__contains=REDACTED_NAME))
        .distinct()
    )
    rows = await naming.values_list(
        "id", "alert_recipients__alert__rule", "alert_recipients__alert__bid__name"
    )
    async with in_transaction():
        for email_id, rule, bid_name in rows:
            subject = email_subject(RULE_TITLES[rule], REDACTED_NAME, str(bid_name))
            await OutboxEmail.filter(id=email_id).update(subject=subject, text_body="", html_body="")
        # One not yet sent would now arrive empty, so it is not sent at all.
        await OutboxEmail.filter(id__in=[row[0] for row in rows], state=DeliveryState.PENDING).update(
            state=DeliveryState.FAILED, last_error=WITHDRAWN
        )
    return len(rows)
