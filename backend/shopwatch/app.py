"""The only wiring: routes, middleware and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from shopwatch.api.body_limit import BodyLimit
from shopwatch.api.csrf import CsrfGuard
from shopwatch.api.evidence_export import evidence_pack_endpoint
from shopwatch.api.exports import incident_export_endpoint
from shopwatch.api.live.sockets import watching_sessions
from shopwatch.api.media import offender_photo_endpoint, photo_endpoint
from shopwatch.api.outage import DatabaseOutageGuard
from shopwatch.api.recorded_downloads import get_only
from shopwatch.api.security_headers import SecurityHeaders, internal_error_handler
from shopwatch.api.view import GraphQLView
from shopwatch.core import db
from shopwatch.core.memory import freeze_startup_objects
from shopwatch.frontend import frontend_app
from shopwatch.live.broker import running_broker
from shopwatch.settings import Settings, load_settings
from shopwatch.worker import run_background

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


async def healthz(request: Request) -> JSONResponse:
    if await db.database_answers():
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "database unavailable"}, status_code=503)


def create_app(settings: Settings | None = None, *, run_worker: bool = False) -> Starlette:
    """`run_worker` sends email from this process too, for a single-process run."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await db.open_database(settings.database_url)
        freeze_startup_objects()
        stop = asyncio.Event()
        background = asyncio.create_task(run_background(settings, stop)) if run_worker else None
        try:
            # Live alerts: this process's LISTEN connection (PostgreSQL), and closing the sockets of
            # sessions that have ended.
            async with running_broker(settings.database_url), watching_sessions():
                yield
        finally:
            stop.set()
            if background is not None:
                await background
            await db.close_database()

    view = GraphQLView(settings)
    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/media/photos/{photo_id}/{variant}", get_only(photo_endpoint(settings))),
        Route("/media/offender-photos/{photo_id}/{variant}", get_only(offender_photo_endpoint(settings))),
        Route("/export/incidents.csv", get_only(incident_export_endpoint(settings))),
        Route("/export/evidence/{incident_id}.zip", get_only(evidence_pack_endpoint(settings))),
        Route("/graphql", CsrfGuard(view, settings.public_origin), methods=["GET", "POST"]),
        # Subscriptions: the view checks the socket's Origin itself (api/live/socket.py).
        WebSocketRoute("/graphql", view),
    ]
    if FRONTEND.is_dir():
        routes.append(Mount("/", frontend_app(FRONTEND), name="frontend"))
    # Outermost first: every answer gets the security headers; an oversized body is refused before
    # anything reads it.
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(SecurityHeaders, https=settings.secure_cookies, graphiql=not settings.is_production),
            Middleware(BodyLimit),
            Middleware(DatabaseOutageGuard),
        ],
        exception_handlers={500: internal_error_handler(https=settings.secure_cookies)},
    )
    app.state.settings = settings
    return app


def production_app() -> Starlette:
    """The app for `uvicorn --factory shopwatch.app:production_app` (the Procfile's web process)."""
    return create_app()
