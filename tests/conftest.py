"""One database for the whole run, migrated with the real migrations, emptied after every test.

SQLite by default; PostgreSQL when SHOPWATCH_TEST_DATABASE_URL is set. On PostgreSQL the run uses
its own scratch database beside the one named (`<name>_<pid>`), dropped at the end, so runs in
parallel never disturb each other and the named database is left alone.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from tortoise import connections

import tests.support.references  # noqa: F401 - incidents stored directly get references
from shopwatch.app import create_app
from shopwatch.core import db
from shopwatch.settings import DEVELOPMENT, Settings
from tests.support.graphql import GraphQLClient
from tests.support.outbox import TEST_SECRET_KEY
from tests.support.postgres import drop_postgres_database, scratch_postgres_database
from tests.support.world import World, make_world


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("SHOPWATCH_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite://{tmp_path_factory.mktemp('db') / 'shopwatch.sqlite3'}"


@pytest_asyncio.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[str]:
    url = database_url
    if db.is_postgres(database_url):
        url = await scratch_postgres_database(database_url)
    await db.migrate(url)
    await db.open_database(url)
    yield url
    await db.close_database()
    if db.is_postgres(url):
        await drop_postgres_database(url)


TABLES_IN_DELETE_ORDER = [
    "push_message",
    "push_subscription",
    "live_alert",
    "audit_entry",
    "alert_recipient",
    "alert_incident",
    "alert",
    "alert_rule_setting",
    "exclusion",
    "dismissed_suggestion",
    "incident_status_change",
    "exhibit",
    "witness_statement",
    "police_case_update",
    "property_line",
    "business_impact_statement",
    "offender_photo",
    "offender_link",
    "photo",
    "incident",
    "incident_number",
    "offender",
    "outbox_email",
    "login_failure",
    "password_reset",
    "invite",
    "user_session",
    "membership",
    "user_account",
    "team_bid",
    "neighbourhood_team",
    "shop",
    "bid",
]


async def empty_database(database: str) -> None:
    connection = connections.get("default")
    if db.is_postgres(database):
        await connection.execute_script(
            f"TRUNCATE {', '.join(TABLES_IN_DELETE_ORDER)} RESTART IDENTITY CASCADE"
        )
    else:
        for table in TABLES_IN_DELETE_ORDER:
            await connection.execute_script(f"DELETE FROM {table}")


@pytest_asyncio.fixture(autouse=True)
async def empty_tables(database: str) -> AsyncIterator[None]:
    yield
    await empty_database(database)


def settings_for_tests(database: str, root: Path) -> Settings:
    """Development settings on the run's database, with media and mail under `root`."""
    return Settings(
        env=DEVELOPMENT,
        database_url=database,
        media_root=root / "media",
        mail_dir=root / "mail",
        smtp_url=None,
        secret_key=TEST_SECRET_KEY,
        public_url="http://testserver",
        mail_from="Shopwatch <noreply@testserver>",
    )


@pytest.fixture
def settings(database: str, tmp_path: Path) -> Settings:
    return settings_for_tests(database, tmp_path)


@pytest_asyncio.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app over ASGI. Its lifespan is not run: the session fixture has opened the database."""
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest_asyncio.fixture
async def world(database: str) -> World:
    return await make_world()
