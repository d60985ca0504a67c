"""Who performs an action, from where, with which settings: what every action needs besides its input."""

from __future__ import annotations

from dataclasses import dataclass

from shopwatch.accounts.models import User
from shopwatch.accounts.viewer import Viewer, load_viewer
from shopwatch.core.audit.trail import Actor
from shopwatch.core.storage import PhotoStore
from shopwatch.settings import Settings


@dataclass(frozen=True)
class Acting:
    viewer: Viewer
    actor: Actor
    settings: Settings

    @property
    def user(self) -> User:
        return self.viewer.user

    @property
    def store(self) -> PhotoStore:
        return PhotoStore(self.settings.media_root)


async def acting_as(user: User, settings: Settings, address: str = "") -> Acting:
    """A user acting from a script or the command line, with the memberships a session would give them."""
    viewer = await load_viewer(user, session_id=0)
    return Acting(viewer=viewer, actor=Actor(user.id, user.email, address), settings=settings)
