"""Invitations, administrators, retention and alert settings, called directly: each writes its
audit entry, and an invitation its email, without the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shopwatch.accounts.models import Invite, Membership, Role, User
from shopwatch.actions.administrators import create_admin
from shopwatch.actions.alerts import RuleChange, acknowledge_alert, update_alert_rules
from shopwatch.actions.demo import load_demo_town
from shopwatch.actions.invitations import accept_invite, invite_user
from shopwatch.actions.places import set_offender_retention
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.alerts.rules import DEFAULT_RULES
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput, NotFoundError
from shopwatch.core.security import hash_token
from shopwatch.incidents.models import Incident
from shopwatch.places.models import Bid
from shopwatch.settings import Settings
from tests.actions import acting, audit_actions, emails_to
from tests.support.world import PASSWORD, World

MANAGER = "bid_manager@home.example.org"


async def test_an_invitation_is_stored_emailed_and_audited(world: World, settings: Settings) -> None:
    manager = await acting(world, settings, Role.BID_MANAGER)
    invite = await invite_user(
        manager, "New.Starter@Example.org", Role.SHOP_STAFF, world.home.bid.id, world.home.shops[1].id
    )
    assert (invite.email, invite.shop_id) == ("new.starter@example.org", world.home.shops[1].id)
    [subject] = await emails_to("new.starter@example.org")
    assert world.home.bid.name in subject
    assert await audit_actions(f"Bid:{world.home.bid.id}") == [("invite.create", MANAGER)]


async def test_an_invitation_to_a_bid_out_of_reach_writes_nothing(world: World, settings: Settings) -> None:
    manager = await acting(world, settings, Role.BID_MANAGER)
    with pytest.raises(NotFoundError):
        await invite_user(
            manager, "someone@example.org", Role.SHOP_STAFF, world.away.bid.id, world.away.shops[0].id
        )
    with pytest.raises(InvalidInput):
        await invite_user(manager, "not an email", Role.BID_MANAGER, world.home.bid.id)
    assert await Invite.all().count() == 0
    assert await AuditEntry.all().count() == 0
    assert await emails_to("someone@example.org") == []


async def test_accepting_an_invitation_grants_the_role_and_audits_the_grant(world: World) -> None:
    await Invite.create(
        token_hash=hash_token("a-token-from-the-email"),
        email="joiner@example.org",
        role=Role.BID_MANAGER,
        bid=world.home.bid,
        expires_at=now() + timedelta(days=1),
    )
    joined = await accept_invite("a-token-from-the-email", "Jo Iner", "a long enough password", "203.0.113.9")
    assert await Membership.exists(user=joined.user, role=Role.BID_MANAGER, bid=world.home.bid)
    [entry] = await AuditEntry.filter(action="membership.grant")
    assert (entry.actor, entry.address, entry.subject) == (
        "joiner@example.org",
        "203.0.113.9",
        f"User:{joined.user.id}",
    )


async def test_a_new_administrator_is_audited_once(world: World) -> None:
    first = await create_admin("Chief@Example.org", "Chief", PASSWORD)
    again = await create_admin("chief@example.org", "Chief", PASSWORD + " changed")
    assert first.id == again.id
    assert await audit_actions(f"User:{first.id}") == [("membership.grant", "system")]
    # An existing user made an administrator is a grant too; an existing administrator is not.
    await create_admin(world.admin.email, "Admin", PASSWORD)
    staff = world.home.users[Role.SHOP_STAFF]
    await create_admin(staff.email, "Staff", PASSWORD)
    assert await audit_actions(f"User:{world.admin.id}") == []
    assert await audit_actions(f"User:{staff.id}") == [("membership.grant", "system")]


async def test_a_retention_change_is_audited(world: World, settings: Settings) -> None:
    manager = await acting(world, settings, Role.BID_MANAGER)
    bid = await set_offender_retention(manager, world.home.bid.id, 24)
    assert bid.offender_retention_months == 24
    with pytest.raises(InvalidInput):
        await set_offender_retention(manager, world.home.bid.id, 0)
    assert await audit_actions(f"Bid:{world.home.bid.id}") == [("retention.update", MANAGER)]


async def test_rule_changes_are_all_or_nothing(world: World, settings: Settings) -> None:
    manager = await acting(world, settings, Role.BID_MANAGER)
    bid_id = world.home.bid.id
    with pytest.raises(InvalidInput) as refused:
        await update_alert_rules(
            manager,
            bid_id,
            [
                RuleChange(AlertRule.REPEAT_OFFENDER, True, threshold=4),
                RuleChange(AlertRule.SHOP_HOTSPOT, True, threshold=0),
            ],
        )
    assert refused.value.field == "rules.1.threshold"
    after = await update_alert_rules(manager, bid_id, [RuleChange(AlertRule.REPEAT_VEHICLE, False)])
    assert after[AlertRule.REPEAT_OFFENDER] == DEFAULT_RULES[AlertRule.REPEAT_OFFENDER]
    assert after[AlertRule.REPEAT_VEHICLE].enabled is False


async def test_the_first_acknowledgement_stands(world: World, settings: Settings) -> None:
    moment = now()
    alert = await Alert.create(
        bid=world.home.bid,
        rule=AlertRule.SHOP_HOTSPOT,
        shop=world.home.shops[0],
        summary="Busy",
        created_at=moment,
        open_until=moment + timedelta(days=7),
    )
    police = await acting(world, settings, Role.POLICE)
    assert (await acknowledge_alert(police, alert)).acknowledged_by_id == world.home.users[Role.POLICE].id
    manager = await acting(world, settings, Role.BID_MANAGER)
    assert (await acknowledge_alert(manager, alert)).acknowledged_by_id == world.home.users[Role.POLICE].id


async def test_the_demo_town_loads_once(database: str, settings: Settings) -> None:
    loaded = await load_demo_town(settings)
    assert loaded is not None and loaded.reports == await Incident.all().count() > 0
    assert {login.role for login in loaded.logins} >= {Role.SHOP_STAFF, Role.BID_MANAGER, Role.POLICE}
    assert await load_demo_town(settings) is None
    assert await Bid.all().count() == 2
    assert await User.filter(email__in=[login.email for login in loaded.logins]).count() == len(loaded.logins)
