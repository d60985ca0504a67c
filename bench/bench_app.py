"""The real Shopwatch app plus two bare starlette routes, for `me_vs_bare_route.py`.

Served by `uvicorn --factory --app-dir bench bench_app:create`, so both the GraphQL endpoint and
the bare routes run in the same server process with the same settings, database pool and middleware.

- `GET /bench/me`: the same session lookup as `/graphql` (`request_viewer`), then the same data as
  the benchmarked `me` query (memberships and their BIDs, loaded with the same one query the
  DataLoader makes), as JSON. That is the `me` query's work minus GraphQL.
- `GET /bench/session`: the session lookup alone, answering email and name.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from shopwatch.api.ids import encode_id
from shopwatch.api.view import request_viewer
from shopwatch.app import create_app
from shopwatch.places.models import Bid
from shopwatch.settings import load_settings


async def bare_me(request: Request) -> JSONResponse:
    viewer = await request_viewer(request)
    if viewer is None:
        return JSONResponse({"me": None})
    bid_ids = list(dict.fromkeys(m.bid_id for m in viewer.memberships if m.bid_id is not None))
    bids = {bid.id: bid for bid in await Bid.filter(id__in=bid_ids)} if bid_ids else {}
    memberships: list[dict[str, Any]] = []
    for membership in viewer.memberships:
        bid = bids.get(membership.bid_id) if membership.bid_id is not None else None
        memberships.append(
            {
                "role": membership.role.value,
                "bid": {"id": encode_id("Bid", bid.id), "name": bid.name} if bid else None,
            }
        )
    user = viewer.user
    return JSONResponse(
        {
            "me": {
                "id": encode_id("User", user.id),
                "email": user.email,
                "name": user.name,
                "memberships": memberships,
            }
        }
    )


async def bare_session(request: Request) -> JSONResponse:
    viewer = await request_viewer(request)
    if viewer is None:
        return JSONResponse({"me": None})
    return JSONResponse({"me": {"email": viewer.user.email, "name": viewer.user.name}})


def create() -> Starlette:
    app = create_app(load_settings())
    # Before the static files mounted at "/", which would otherwise answer these paths.
    app.router.routes.insert(0, Route("/bench/session", bare_session, methods=["GET"]))
    app.router.routes.insert(0, Route("/bench/me", bare_me, methods=["GET"]))
    return app
