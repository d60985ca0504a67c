"""Clients of the app in development or production settings, for the tests of what each mode allows."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import pytest_asyncio

from shopwatch.app import create_app
from shopwatch.settings import DEVELOPMENT, PRODUCTION, Settings
from tests.support.graphql import GraphQLClient


def mode_settings(settings: Settings, mode: str) -> Settings:
    return dataclasses.replace(settings, env=mode, public_url="https://shopwatch.example.org")


@pytest_asyncio.fixture(params=[DEVELOPMENT, PRODUCTION])
async def any_mode(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[GraphQLClient]:
    async with client(mode_settings(settings, request.param)) as gql:
        yield gql


@pytest_asyncio.fixture
async def production(settings: Settings) -> AsyncIterator[GraphQLClient]:
    async with client(mode_settings(settings, PRODUCTION)) as gql:
        yield gql


@pytest_asyncio.fixture
async def development(settings: Settings) -> AsyncIterator[GraphQLClient]:
    async with client(mode_settings(settings, DEVELOPMENT)) as gql:
        yield gql


@asynccontextmanager
async def client(settings: Settings) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="https://shopwatch.example.org") as http:
        yield GraphQLClient(http)
