from datetime import timedelta

from shopwatch.accounts.housekeeping import delete_stale_records
from shopwatch.accounts.models import LoginFailure, Role, Session
from shopwatch.accounts.sessions import start_session, viewer_for_token
from shopwatch.core.clock import now
from shopwatch.core.security import hash_token
from tests.support.world import World


async def test_old_login_failures_and_dead_sessions_are_deleted_live_ones_kept(world: World) -> None:
    recent = await LoginFailure.create(email="a@example.org", address="1.2.3.4", created_at=now())
    await LoginFailure.create(email="a@example.org", address="1.2.3.4", created_at=now() - timedelta(days=2))
    user = world.home.users[Role.SHOP_STAFF]
    dead_token = await start_session(user)
    dead = await Session.get(token_hash=hash_token(dead_token))
    await Session.filter(id=dead.id).update(last_used_at=now() - timedelta(days=90))

    await delete_stale_records()

    assert await LoginFailure.all().values_list("id", flat=True) == [recent.id]
    assert not await Session.exists(id=dead.id)
    assert await viewer_for_token(dead_token) is None
    assert await viewer_for_token(world.token(Role.SHOP_STAFF) or "") is not None
