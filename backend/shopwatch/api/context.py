"""The typed context every resolver receives: who is asking, settings, per-request DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from shopwatch.accounts.viewer import Viewer
from shopwatch.actions.acting import Acting
from shopwatch.api.loaders import Loaders
from shopwatch.core.audit.trail import Actor
from shopwatch.settings import Settings

SESSION_COOKIE = "shopwatch_session"


@dataclass
class Context:
    # A Request, or for a subscription the WebSocket (whose `response` is a stand-in never sent).
    request: HTTPConnection
    response: Response
    settings: Settings
    viewer: Viewer | None
    loaders: Loaders = field(default_factory=Loaders)
    # Set before a costly query runs (api/cost.py): its work then gives way to cheaper queries.
    costly: bool = False

    @property
    def client_address(self) -> str:
        return self.request.client.host if self.request.client else "unknown"

    @property
    def actor(self) -> Actor:
        """The viewer as the audit trail records them; only for a logged-in viewer."""
        assert self.viewer is not None
        return actor_of(self.viewer, self.request)

    @property
    def acting(self) -> Acting:
        """The viewer as actions take them; only for a logged-in viewer."""
        assert self.viewer is not None
        return Acting(viewer=self.viewer, actor=self.actor, settings=self.settings)

    @property
    def user_agent(self) -> str:
        return self.request.headers.get("user-agent", "")


def actor_of(viewer: Viewer, request: HTTPConnection) -> Actor:
    return Actor(viewer.user.id, viewer.user.email, request.client.host if request.client else "")


def acting_of(viewer: Viewer, request: Request, settings: Settings) -> Acting:
    """The viewer of an HTTP request as actions take them."""
    return Acting(viewer=viewer, actor=actor_of(viewer, request), settings=settings)


Info = StrawberryInfo[Context, None]

__all__ = ["SESSION_COOKIE", "Context", "DataLoader", "Info", "acting_of", "actor_of"]
