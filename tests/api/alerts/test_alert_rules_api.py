"""A BID's alert rules through the API: read and changed by its managers and administrators."""

from __future__ import annotations

from typing import Any

import pytest

from shopwatch.accounts.models import Role
from shopwatch.alerts.models import AlertRuleSetting
from tests.api.offenders.helpers import EVERY_VIEWER
from tests.support.graphql import GraphQLClient
from tests.support.world import World

RULES = """
query Rules($bidId: ID!) {
  alertRules(bidId: $bidId) {
    rule title description enabled threshold windowDays adjustable defaultThreshold defaultWindowDays
  }
}
"""

UPDATE = """
mutation Update($input: UpdateAlertRulesInput!) {
  updateAlertRules(input: $input) {
    __typename
    ... on UpdateAlertRulesSuccess { rules { rule enabled threshold windowDays } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""

DEFAULTS = {
    "REPEAT_OFFENDER": (True, 3, 30),
    "MULTI_SHOP_OFFENDER": (True, 2, 7),
    "VIOLENCE_BY_KNOWN_OFFENDER": (True, 1, 365),
    "EXCLUSION_BREACH": (True, 1, 0),
    "REPEAT_VEHICLE": (True, 2, 30),
    "SHOP_HOTSPOT": (True, 5, 7),
}


def as_table(rules: list[dict[str, Any]]) -> dict[str, tuple[bool, int, int]]:
    return {rule["rule"]: (rule["enabled"], rule["threshold"], rule["windowDays"]) for rule in rules}


async def update(
    gql: GraphQLClient, token: str | None, bid_id: str, *rules: dict[str, Any]
) -> dict[str, Any]:
    data = await gql.execute(UPDATE, {"input": {"bidId": bid_id, "rules": list(rules)}}, token=token)
    result: dict[str, Any] = data["updateAlertRules"]
    return result


async def test_a_manager_sees_every_rule_with_its_defaults(gql: GraphQLClient, world: World) -> None:
    rules = (await gql.execute(RULES, {"bidId": world.home.bid_id}, token=world.token(Role.BID_MANAGER)))[
        "alertRules"
    ]
    assert as_table(rules) == DEFAULTS
    repeat = next(rule for rule in rules if rule["rule"] == "REPEAT_OFFENDER")
    assert repeat["title"] == "Repeat offender"
    assert "3 incidents within 30 days" in repeat["description"]
    assert repeat["adjustable"] is True
    assert next(rule for rule in rules if rule["rule"] == "EXCLUSION_BREACH")["adjustable"] is False


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_who_may_read_the_rules(gql: GraphQLClient, world: World, role: Role | None, town: str) -> None:
    token = world.token(role, town)
    if role in (Role.BID_MANAGER, Role.ADMIN) and (town == "home" or role == Role.ADMIN):
        assert len((await gql.execute(RULES, {"bidId": world.home.bid_id}, token=token))["alertRules"]) == 6
    elif role is None:
        assert await gql.errors(RULES, {"bidId": world.home.bid_id}) == ["Log in to see this."]
    else:
        assert await gql.errors(RULES, {"bidId": world.home.bid_id}, token=token) == [
            "Only this BID's managers or an administrator can see its alert rules."
        ]


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_who_may_change_the_rules(
    gql: GraphQLClient, world: World, role: Role | None, town: str
) -> None:
    change = {"rule": "REPEAT_OFFENDER", "enabled": True, "threshold": 4, "windowDays": 28}
    result = await update(gql, world.token(role, town), world.home.bid_id, change)
    if role is None or (town == "home" and role in (Role.SHOP_STAFF, Role.POLICE)):
        expected = "PermissionDenied"
    elif town == "away" and role != Role.ADMIN:
        expected = "NotFound"
    else:
        expected = "UpdateAlertRulesSuccess"
    assert result["__typename"] == expected
    assert await AlertRuleSetting.exists() is (expected == "UpdateAlertRulesSuccess")


async def test_changes_are_kept_and_only_for_the_rules_given(gql: GraphQLClient, world: World) -> None:
    manager = world.token(Role.BID_MANAGER)
    result = await update(
        gql,
        manager,
        world.home.bid_id,
        {"rule": "REPEAT_OFFENDER", "enabled": True, "threshold": 4, "windowDays": 28},
        {"rule": "SHOP_HOTSPOT", "enabled": False},
        {"rule": "EXCLUSION_BREACH", "enabled": True, "threshold": 50, "windowDays": 50},
    )
    assert result["__typename"] == "UpdateAlertRulesSuccess"
    expected = {**DEFAULTS, "REPEAT_OFFENDER": (True, 4, 28), "SHOP_HOTSPOT": (False, 5, 7)}
    assert as_table(result["rules"]) == expected
    read_back = await gql.execute(RULES, {"bidId": world.home.bid_id}, token=manager)
    assert as_table(read_back["alertRules"]) == expected
    defaults = {
        rule["rule"]: (rule["defaultThreshold"], rule["defaultWindowDays"])
        for rule in read_back["alertRules"]
    }
    assert defaults == {rule: (threshold, days) for rule, (_, threshold, days) in DEFAULTS.items()}
    # Another BID keeps its defaults.
    away = await gql.execute(RULES, {"bidId": world.away.bid_id}, token=world.admin_token)
    assert as_table(away["alertRules"]) == DEFAULTS


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        (
            [{"rule": "REPEAT_OFFENDER", "enabled": True, "threshold": 0, "windowDays": 30}],
            "rules.0.threshold",
        ),
        (
            [{"rule": "REPEAT_OFFENDER", "enabled": True, "threshold": 101, "windowDays": 30}],
            "rules.0.threshold",
        ),
        (
            [
                {"rule": "REPEAT_OFFENDER", "enabled": True, "threshold": 4, "windowDays": 30},
                {"rule": "REPEAT_VEHICLE", "enabled": True, "threshold": 2, "windowDays": 366},
            ],
            "rules.1.windowDays",
        ),
        (
            [
                {"rule": "REPEAT_OFFENDER", "enabled": True, "threshold": 4, "windowDays": 30},
                {"rule": "REPEAT_OFFENDER", "enabled": False},
            ],
            "rules.1.rule",
        ),
    ],
)
async def test_invalid_settings_change_nothing(
    gql: GraphQLClient, world: World, rules: list[dict[str, Any]], field: str
) -> None:
    result = await update(gql, world.token(Role.BID_MANAGER), world.home.bid_id, *rules)
    assert result["__typename"] == "ValidationError"
    assert result["field"] == field
    assert not await AlertRuleSetting.exists()


async def test_an_unknown_bid_is_not_found(gql: GraphQLClient, world: World) -> None:
    change = {"rule": "REPEAT_OFFENDER", "enabled": False}
    assert (await update(gql, world.admin_token, "nonsense", change))["__typename"] == "NotFound"
    assert await gql.errors(RULES, {"bidId": "nonsense"}, token=world.admin_token)
