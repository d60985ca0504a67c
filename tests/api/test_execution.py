"""The plain-fields shortcut answers exactly as graphql-core does, and is taken where it should be."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
import strawberry
from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from shopwatch.api import slices
from shopwatch.api.execution import PlainFieldsExecutionContext


class Colour(Enum):
    RED = "red"
    BLUE = "blue"


class Never(BasePermission):
    message = "Not for you."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Cell:
    day: int
    hour: int
    label: str | None
    colour: Colour
    when: strawberry.Private[int] = 0

    @strawberry.field
    def doubled(self) -> int:
        return self.hour * 2

    @strawberry.field(permission_classes=[Never])
    def secret(self) -> str:
        return "hidden"

    @strawberry.field
    def shifted(self, by: int) -> int:
        return self.hour + by


@strawberry.type
class Broken:
    count: int  # given a None or a value out of range below


@strawberry.type
class Query:
    @strawberry.field
    def cells(self) -> list[Cell]:
        return [
            Cell(day=d, hour=h, label=None if h % 2 else f"cell {d}:{h}", colour=Colour.RED)
            for d in (1, 2)
            for h in range(3)
        ]

    @strawberry.field
    def broken(self) -> list[Broken]:
        return [Broken(count=1), Broken(count=None), Broken(count=2**40)]  # type: ignore[arg-type]

    @strawberry.field
    def too_big(self) -> list[Broken | None]:
        return [Broken(count=1), Broken(count=2**40)]

    @strawberry.field
    def failed(self) -> list[Broken | None]:
        return [Broken(count=ValueError("No count."))]  # type: ignore[arg-type]


class CountingFields(PlainFieldsExecutionContext):
    """Counts the fields graphql-core executes one by one."""

    executed = 0

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        CountingFields.executed += 1
        return super().execute_field(*args, **kwargs)


STOCK = strawberry.Schema(query=Query, execution_context_class=StrawberryGraphQLCoreExecutionContext)
SHORTCUT = strawberry.Schema(query=Query, execution_context_class=CountingFields)

DOCUMENTS = [
    "{ cells { day hour label colour } }",
    "{ cells { d: day h: hour day } }",
    "{ cells { __typename day } }",
    "{ cells { day doubled } }",
    "{ cells { day secret } }",
    "{ cells { day shifted(by: 3) } }",
    "query Q($skip: Boolean!) { cells { day hour @skip(if: $skip) label @include(if: $skip) } }",
    "{ cells { ...Parts } } fragment Parts on Cell { hour colour }",
    "{ cells { ... on Cell { day } hour } }",
    "{ broken { count } }",
    "{ tooBig { count } }",
    "{ failed { count } }",
]


def _comparable(result: ExecutionResult) -> tuple[Any, Any]:
    errors = [(e.message, e.path) for e in result.errors or []]
    return result.data, sorted(errors, key=str)


@pytest.mark.parametrize("document", DOCUMENTS)
async def test_answers_as_graphql_core_does(document: str) -> None:
    variables = {"skip": True}
    stock = await STOCK.execute(document, variable_values=variables)
    shortcut = await SHORTCUT.execute(document, variable_values=variables)
    assert _comparable(shortcut) == _comparable(stock)


async def test_broken_values_give_graphql_cores_errors() -> None:
    result = await SHORTCUT.execute("{ broken { count } }")
    assert result.data is None  # a null where none may be empties the whole answer
    assert [error.path for error in result.errors or []] == [["broken", 1, "count"]]


async def test_plain_objects_are_answered_without_executing_their_fields_one_by_one() -> None:
    CountingFields.executed = 0
    result = await SHORTCUT.execute("{ cells { day hour label colour } }")
    assert result.errors is None
    assert len(result.data["cells"]) == 6  # type: ignore[index]
    assert CountingFields.executed == 1  # `cells` itself; none of the 24 leaves


class Upper(SchemaExtension):
    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        value = _next(root, info, *args, **kwargs)
        return value.upper() if isinstance(value, str) else value


async def test_an_extension_that_wraps_resolvers_still_sees_every_field() -> None:
    schema = strawberry.Schema(query=Query, extensions=[Upper], execution_context_class=CountingFields)
    result = await schema.execute("{ cells { label } }")
    assert result.data is not None
    assert [cell["label"] for cell in result.data["cells"]] == [
        "CELL 1:0",
        None,
        "CELL 1:2",
        "CELL 2:0",
        None,
        "CELL 2:2",
    ]


async def test_an_object_with_a_resolved_field_goes_the_ordinary_way() -> None:
    CountingFields.executed = 0
    result = await SHORTCUT.execute("{ cells { day doubled } }")
    assert result.errors is None
    assert CountingFields.executed == 1 + 6 * 2


async def test_work_that_pauses_is_answered_without_the_apps_context(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pausing makes the answer awaitable, under the time limit; a schema run without the app's
    # context (no settings) takes the default limit rather than failing.
    monkeypatch.setattr(slices, "YIELD_AFTER", 0.0)
    result = await SHORTCUT.execute("{ cells { day hour label colour } }")
    assert result.errors is None
    assert len(result.data["cells"]) == 6  # type: ignore[index]
