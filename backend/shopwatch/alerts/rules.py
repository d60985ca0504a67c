"""The pattern rules: their defaults, a BID's own settings, and how each is put into words."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from shopwatch.accounts.models import User
from shopwatch.alerts.models import AlertRule, AlertRuleSetting
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.hotspots import HotspotTest


@dataclass(frozen=True)
class RuleSettings:
    rule: AlertRule
    enabled: bool
    # How many incidents (shops for MULTI_SHOP_OFFENDER, earlier incidents for
    # VIOLENCE_BY_KNOWN_OFFENDER) within how many days; unused by EXCLUSION_BREACH.
    threshold: int
    window_days: int

    @property
    def window(self) -> timedelta:
        return timedelta(days=self.window_days)


DEFAULT_RULES: dict[AlertRule, RuleSettings] = {
    rule.rule: rule
    for rule in (
        RuleSettings(AlertRule.REPEAT_OFFENDER, enabled=True, threshold=3, window_days=30),
        RuleSettings(AlertRule.MULTI_SHOP_OFFENDER, enabled=True, threshold=2, window_days=7),
        RuleSettings(AlertRule.VIOLENCE_BY_KNOWN_OFFENDER, enabled=True, threshold=1, window_days=365),
        RuleSettings(AlertRule.EXCLUSION_BREACH, enabled=True, threshold=1, window_days=0),
        RuleSettings(AlertRule.REPEAT_VEHICLE, enabled=True, threshold=2, window_days=30),
        RuleSettings(AlertRule.SHOP_HOTSPOT, enabled=True, threshold=5, window_days=7),
    )
}

# Rules with no threshold or window to tune: they can only be turned on or off.
FIXED_RULES = frozenset({AlertRule.EXCLUSION_BREACH})

# Rules that raise a new alert every time; the others join an open alert for the same subject.
ALWAYS_ALERT = frozenset({AlertRule.VIOLENCE_BY_KNOWN_OFFENDER, AlertRule.EXCLUSION_BREACH})

# How long an alert stays open for later incidents of the same rule and subject to join.
COOLDOWN = timedelta(days=7)

THRESHOLD_RANGE = range(1, 101)
WINDOW_DAYS_RANGE = range(1, 366)

RULE_TITLES: dict[AlertRule, str] = {
    AlertRule.REPEAT_OFFENDER: "Repeat offender",
    AlertRule.MULTI_SHOP_OFFENDER: "Offender moving between shops",
    AlertRule.VIOLENCE_BY_KNOWN_OFFENDER: "Violence by a known offender",
    AlertRule.EXCLUSION_BREACH: "Exclusion breach",
    AlertRule.REPEAT_VEHICLE: "Vehicle seen again",
    AlertRule.SHOP_HOTSPOT: "Shop hotspot",
}


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _times(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def describe_rule(settings: RuleSettings) -> str:
    """The rule with its threshold, in words: 'one offender in 3 incidents within 30 days'."""
    days = _days(settings.window_days)
    match settings.rule:
        case AlertRule.REPEAT_OFFENDER:
            return f"one offender in {_times(settings.threshold, 'incident')} within {days}"
        case AlertRule.MULTI_SHOP_OFFENDER:
            return f"one offender at {_times(settings.threshold, 'different shop')} within {days}"
        case AlertRule.VIOLENCE_BY_KNOWN_OFFENDER:
            earlier = _times(settings.threshold, "earlier incident")
            return f"an assault or threats by an offender with at least {earlier} within {days}"
        case AlertRule.EXCLUSION_BREACH:
            return "any incident by an offender on a day their exclusion covers"
        case AlertRule.REPEAT_VEHICLE:
            return f"one vehicle in {_times(settings.threshold, 'incident')} within {days}"
        case AlertRule.SHOP_HOTSPOT:
            return hotspot_test(settings).describe()


def hotspot_test(settings: RuleSettings) -> HotspotTest:
    """The hotspot definition a BID's SHOP_HOTSPOT settings make (incidents/hotspots.py)."""
    return HotspotTest(threshold=settings.threshold, days=settings.window_days)


async def bid_hotspot_test(bid_id: int) -> tuple[HotspotTest, bool]:
    """The BID's hotspot definition, for its dashboard, and whether it alerts on it."""
    settings = (await rule_settings(bid_id))[AlertRule.SHOP_HOTSPOT]
    return hotspot_test(settings), settings.enabled


async def rule_settings(bid_id: int) -> dict[AlertRule, RuleSettings]:
    """Every rule's settings for a BID: the defaults, overridden by the BID's own (one query)."""
    settings = dict(DEFAULT_RULES)
    for row in await AlertRuleSetting.filter(bid_id=bid_id):
        settings[row.rule] = _from_row(row)
    return settings


def _from_row(row: AlertRuleSetting) -> RuleSettings:
    default = DEFAULT_RULES[row.rule]
    if row.rule in FIXED_RULES:
        return replace(default, enabled=row.enabled)
    return RuleSettings(row.rule, enabled=row.enabled, threshold=row.threshold, window_days=row.window_days)


async def update_rule_setting(
    bid_id: int,
    rule: AlertRule,
    *,
    enabled: bool,
    threshold: int | None = None,
    window_days: int | None = None,
    updated_by: User | None = None,
) -> RuleSettings:
    """Change one rule for one BID. A threshold or window left out (None) keeps its current value;
    for a rule without them (EXCLUSION_BREACH) they are ignored."""
    current = (await rule_settings(bid_id))[rule]
    if rule in FIXED_RULES:
        threshold, window_days = current.threshold, current.window_days
    else:
        threshold = current.threshold if threshold is None else threshold
        window_days = current.window_days if window_days is None else window_days
        if threshold not in THRESHOLD_RANGE:
            raise InvalidInput(
                "threshold",
                f"Use a whole number from {THRESHOLD_RANGE.start} to {THRESHOLD_RANGE.stop - 1}.",
            )
        if window_days not in WINDOW_DAYS_RANGE:
            raise InvalidInput(
                "windowDays",
                f"Use a number of days from {WINDOW_DAYS_RANGE.start} to {WINDOW_DAYS_RANGE.stop - 1}.",
            )
    await AlertRuleSetting.update_or_create(
        defaults={
            "enabled": enabled,
            "threshold": threshold,
            "window_days": window_days,
            "updated_by": updated_by,
        },
        bid_id=bid_id,
        rule=rule,
    )
    return RuleSettings(rule, enabled=enabled, threshold=threshold, window_days=window_days)
