"""Each private piece of a library the app relies on (api/library_internals.py,
core/orm_internals.py) still is what the app assumes, and every package the code imports is
declared. An upgrade that changes one fails here, by name."""

from __future__ import annotations

import ast
import asyncio
import contextvars
import inspect
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from graphql import GraphQLSchema, parse, validate
from tortoise import Tortoise, connections

from shopwatch.api import library_internals
from shopwatch.api.execution import PlainFieldsExecutionContext
from shopwatch.api.schema import build_schema
from shopwatch.core.orm_internals import models_from_sql
from shopwatch.core.sql import Statement, dialect
from shopwatch.places.models import Bid

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = build_schema(production=False)


def test_strawberry_keeps_the_graphql_core_schema_it_built() -> None:
    assert isinstance(library_internals.graphql_schema(SCHEMA), GraphQLSchema)
    assert library_internals.graphql_schema(SCHEMA).query_type.name == "Query"  # type: ignore[union-attr]


def test_strawberry_runs_queries_with_the_execution_context_we_extend() -> None:
    assert SCHEMA.execution_context_class is PlainFieldsExecutionContext
    base = library_internals.StrawberryExecutionContext
    fields = list(inspect.signature(base.execute_fields).parameters)
    assert fields == ["self", "parent_type", "source_value", "path", "grouped_field_set", "position_context"]
    assert list(inspect.signature(base.execute_operation).parameters) == ["self", "serially"]
    # The awaited result is the second-last argument: execution awaits it within a slice.
    awaited = list(inspect.signature(base.complete_awaitable_value).parameters)
    assert awaited[-2:] == ["result", "position_context"]
    assert len(awaited) == 7
    assert inspect.iscoroutinefunction(base.complete_awaitable_value)


def test_a_plain_stored_field_is_recognised_and_a_resolved_one_is_not() -> None:
    incident = library_internals.graphql_schema(SCHEMA).type_map["Incident"]
    assert library_internals.plain_attribute(incident.fields["description"]) == "description"  # type: ignore[attr-defined]
    assert library_internals.plain_attribute(incident.fields["valueStolenPence"]) == "value_stolen_pence"  # type: ignore[attr-defined]
    assert library_internals.plain_attribute(incident.fields["shop"]) is None  # type: ignore[attr-defined]
    assert library_internals.plain_attribute(incident.fields["photos"]) is None  # type: ignore[attr-defined]


def test_strawberry_limit_rules_are_made_as_assumed() -> None:
    schema = library_internals.graphql_schema(SCHEMA)
    depth = library_internals.max_depth_rule(2, None)
    aliases = library_internals.max_aliases_rule(2)
    deep = parse("{ me { memberships { bid { name } } } }")
    aliased = parse("{ a: me { email } b: me { email } c: me { email } }")
    assert [error.message for error in validate(schema, deep, [depth])] == [
        "'anonymous' exceeds maximum operation depth of 2"
    ]
    assert [error.message for error in validate(schema, aliased, [aliases])] == [
        "3 aliases found. Allowed: 2"
    ]
    assert validate(schema, parse("{ a: me { email } }"), [depth, aliases]) == []


def test_graphql_core_still_groups_fields_where_we_import_them_from() -> None:
    assert library_internals.FieldDetailsList is not None
    assert library_internals.GroupedFieldSet is not None


async def test_tortoise_connections_reach_a_task_that_did_not_inherit_them(database: str) -> None:
    """What the global fallback gives uvicorn's request tasks."""
    assert "_enable_global_fallback" in inspect.signature(Tortoise.init).parameters

    async def count_bids() -> int:
        return await Bid.all().count()

    fresh = contextvars.Context()
    assert await asyncio.get_running_loop().create_task(count_bids(), context=fresh) == 0
    assert connections.get("default") is not None


async def test_tortoise_builds_models_from_our_own_sql(database: str) -> None:
    await Bid.create(name="Raw BID", slug="raw")
    statement = Statement(dialect())
    sql = f"SELECT bid.*, 7 AS lucky FROM bid WHERE slug = {statement.param('raw')}"
    rows = await models_from_sql(Bid, connections.get("default"), sql, statement.params, ["lucky"])
    assert [(row.name, row.lucky) for row in rows] == [("Raw BID", 7)]  # type: ignore[attr-defined]


# --- declared dependencies -------------------------------------------------------------------------


def imported_top_level_packages() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "backend" / "shopwatch").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"shopwatch", "__future__"}


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_package_the_code_imports_is_declared_with_an_exact_pin() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = {}
    for requirement in pyproject["project"]["dependencies"]:
        name, _, version = re.split(r"(==)", requirement.split(";")[0], maxsplit=1)
        declared[normalised(re.sub(r"\[.*\]", "", name))] = version
    distributions = packages_distributions()
    undeclared = {}
    for package in sorted(imported_top_level_packages()):
        names = {normalised(name) for name in distributions.get(package, [package])}
        if not names & declared.keys():
            undeclared[package] = sorted(names)
    assert undeclared == {}
    assert all(re.fullmatch(r"[0-9][0-9a-z.]*", version) for version in declared.values()), declared
