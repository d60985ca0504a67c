"""Acknowledging alerts, and a BID manager changing the rules' thresholds."""

from __future__ import annotations

from typing import Annotated

import strawberry

from shopwatch.actions import alerts as actions
from shopwatch.alerts.models import AlertRule
from shopwatch.alerts.scope import visible_alerts
from shopwatch.api.alerts.types import Alert, AlertRuleSetting
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied, ValidationError
from shopwatch.api.ids import decode_id
from shopwatch.api.permissions import LOG_IN_FIRST, NO_SUCH_BID, managed_bid
from shopwatch.core.errors import InvalidInput
from shopwatch.places.models import Bid

NO_SUCH_ALERT = "There is no such alert."


@strawberry.type
class AcknowledgeAlertSuccess:
    alert: Alert


AcknowledgeAlertResult = Annotated[
    AcknowledgeAlertSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("AcknowledgeAlertResult"),
]


@strawberry.input
class AlertRuleInput:
    rule: AlertRule
    enabled: bool
    threshold: int | None = strawberry.field(default=None, description="1 to 100; null keeps it.")
    window_days: int | None = strawberry.field(default=None, description="1 to 365; null keeps it.")


@strawberry.input
class UpdateAlertRulesInput:
    bid_id: strawberry.ID
    rules: list[AlertRuleInput] = strawberry.field(description="Rules not listed keep their settings.")


@strawberry.type
class UpdateAlertRulesSuccess:
    rules: list[AlertRuleSetting] = strawberry.field(description="Every rule's settings, after the change.")


UpdateAlertRulesResult = Annotated[
    UpdateAlertRulesSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("UpdateAlertRulesResult"),
]


@strawberry.type
class AlertsMutation:
    @strawberry.mutation(
        description="Marks an alert as seen, with an optional note (at most 500 characters) that everyone "
        "who sees the alert reads; the first acknowledgement stands, and a note sent after it is refused "
        "(ValidationError on `note`). Whoever may see the alert: the BID's managers, covering police and "
        "administrators."
    )
    async def acknowledge_alert(
        self,
        info: Info,
        alert_id: strawberry.ID,
        note: Annotated[
            str | None,
            strawberry.argument(description="What was done or will be, e.g. 'Patrol sent at 15:00'."),
        ] = None,
    ) -> AcknowledgeAlertResult:
        viewer = info.context.viewer
        if viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        pk = decode_id("Alert", alert_id)
        alert = await visible_alerts(viewer).get_or_none(id=pk) if pk else None
        if alert is None:
            return NotFound(message=NO_SUCH_ALERT)
        try:
            alert = await actions.acknowledge_alert(info.context.acting, alert, note)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return AcknowledgeAlertSuccess(alert=Alert.from_model(alert))

    @strawberry.mutation(
        description="Changes some rules' settings for a BID, all or none. The BID's managers and "
        "administrators."
    )
    async def update_alert_rules(self, info: Info, input: UpdateAlertRulesInput) -> UpdateAlertRulesResult:
        viewer = info.context.viewer
        bid_id = managed_bid(viewer, input.bid_id)
        if not isinstance(bid_id, int):
            return bid_id
        if not await Bid.exists(id=bid_id):
            return NotFound(message=NO_SUCH_BID)
        seen: set[AlertRule] = set()
        for index, wanted in enumerate(input.rules):
            if wanted.rule in seen:
                return ValidationError(field=f"rules.{index}.rule", message="Each rule may be listed once.")
            seen.add(wanted.rule)
        changes = [
            actions.RuleChange(wanted.rule, wanted.enabled, wanted.threshold, wanted.window_days)
            for wanted in input.rules
        ]
        try:
            settings = await actions.update_alert_rules(info.context.acting, bid_id, changes)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return UpdateAlertRulesSuccess(rules=[AlertRuleSetting.from_settings(s) for s in settings.values()])
