"""Acknowledging an alert, and changing a BID's alert rules (all the changes or none)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from shopwatch.actions.acting import Acting
from shopwatch.alerts import services
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.alerts.rules import RuleSettings, rule_settings, update_rule_setting
from shopwatch.core.errors import InvalidInput


async def acknowledge_alert(by: Acting, alert: Alert, note: str | None = None) -> Alert:
    """The first acknowledgement stands, with its note; the alert, reloaded. `InvalidInput` on `note`
    for a note too long, or one sent after someone else acknowledged."""
    return await services.acknowledge_alert(alert, by.user, note)


@dataclass(frozen=True)
class RuleChange:
    rule: AlertRule
    enabled: bool
    threshold: int | None = None  # None keeps the current value
    window_days: int | None = None


async def update_alert_rules(
    by: Acting, bid_id: int, changes: Sequence[RuleChange]
) -> dict[AlertRule, RuleSettings]:
    """Every rule's settings after the change. `InvalidInput` names the change refused
    (`rules.<index>.<field>`), and then nothing changes."""
    async with in_transaction():
        for index, wanted in enumerate(changes):
            try:
                await update_rule_setting(
                    bid_id,
                    wanted.rule,
                    enabled=wanted.enabled,
                    threshold=wanted.threshold,
                    window_days=wanted.window_days,
                    updated_by=by.user,
                )
            except InvalidInput as error:
                raise InvalidInput(f"rules.{index}.{error.field}", error.message) from error
    return await rule_settings(bid_id)
