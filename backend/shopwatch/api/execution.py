"""Execution with a shortcut for objects whose selected fields are all plain stored values.

graphql-core runs every field through resolve info, the resolver, awaitable checks and completion:
about 2.5 µs a field. An area summary answers ~750 of them, 504 for its 168 hour-of-week cells, and
that was a third of the request's own work beside its SQL (bench/README.md). When every field
selected on an object is a strawberry field with no resolver, permission or extension, taking no
arguments and giving a scalar or enum, the answer is each attribute serialised, which this does
in one loop. Anything else, and any value that would be an error, goes the ordinary way, so the
errors are graphql-core's own.

Execution also keeps one request from holding the others up: it works in slices with the event
loop's other work between them (`api/slices.py`), a costly query giving way to cheaper ones; and a
query (a read: stopping it
halfway leaves nothing half done) still running the settings' `query_time_limit_seconds` after it
started is stopped and answered with one error saying so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple, cast

from graphql import (
    ExecutionResult,
    GraphQLEnumType,
    GraphQLError,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    OperationType,
    Undefined,
)
from graphql.pyutils import AwaitableOrValue, Path

from shopwatch.api.cost import cheap_requests_running, is_costly
from shopwatch.api.library_internals import (
    FieldDetailsList,
    GroupedFieldSet,
    StrawberryExecutionContext,
    plain_attribute,
)
from shopwatch.api.loaders import Loaders
from shopwatch.api.slices import Slices
from shopwatch.settings import DEFAULT_QUERY_TIME_LIMIT, Settings


def time_limit_message(seconds: float) -> str:
    return f"This query ran past the time limit of {seconds:g} s and was stopped; ask for less."


class _PlainField(NamedTuple):
    response_name: str
    attribute: str
    coerce: Callable[[Any], Any]
    non_null: bool


# What execute_fields is given: parent type, source value, path, grouped field set, position context.
_Fields = tuple[GraphQLObjectType, Any, Path | None, GroupedFieldSet, Any]


class _NotPlain(Exception):
    """A value the shortcut leaves to graphql-core (a null where one is not allowed, say)."""


class PlainFieldsExecutionContext(StrawberryExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # With middleware, a schema extension wraps every resolver: no shortcut.
        self._shortcut = self.middleware_manager is None or not self.middleware_manager.middlewares
        # (type, id of a grouped field set) -> (the set, kept alive so its id is not reused; its plan)
        self._plans: dict[tuple[str, int], tuple[GroupedFieldSet, list[_PlainField] | None]] = {}
        self._slices = Slices()

    def execute_operation(self, serially: bool | None = None) -> Any:
        started = asyncio.get_running_loop().time()
        self._slices = Slices(cheap_requests_running if is_costly(self.context_value) else None)
        loaders = getattr(self.context_value, "loaders", None)
        if isinstance(loaders, Loaders):
            loaders.work.current = self._slices
        result = super().execute_operation(serially)
        if self.operation.operation is OperationType.QUERY and self.is_awaitable(result):
            return _within_time_limit(result, started, _time_limit(self.context_value))
        return result

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        fields: _Fields = (parent_type, source_value, path, grouped_field_set, position_context)
        if self._slices.used_up():
            return self._after_pause(fields)
        return self._execute_now(fields)

    async def complete_awaitable_value(
        self,
        return_type: Any,
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        return await super().complete_awaitable_value(
            return_type, field_details_list, info, path, self._in_turn(result), position_context
        )

    async def _in_turn(self, result: Awaitable[Any]) -> Any:
        """A resolver's awaited value, started and completed within a slice: a list's items that
        await start together, and a batch loaded for hundreds of them wakes them together."""
        if self._slices.used_up():
            await self._slices.next_slice()
        value = await result
        if self._slices.used_up():
            await self._slices.next_slice()
        return value

    def _execute_now(self, fields: _Fields) -> AwaitableOrValue[dict[str, Any]]:
        parent_type, source_value, _, grouped_field_set, _ = fields
        plan = self._plan(parent_type, grouped_field_set)
        if plan is not None:
            try:
                return _plain_values(plan, source_value)
            except _NotPlain:
                pass
        return super().execute_fields(*fields)

    async def _after_pause(self, fields: _Fields) -> dict[str, Any]:
        """The same fields, in a later turn of the loop, once everything else ready has run."""
        await self._slices.next_slice()
        result = self._execute_now(fields)
        if self.is_awaitable(result):
            return await result
        return cast(dict[str, Any], result)

    def _plan(self, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> list[_PlainField] | None:
        key = (parent_type.name, id(fields))
        cached = self._plans.get(key)
        if cached is not None:
            return cached[1]
        plan: list[_PlainField] | None = None
        if self._shortcut:
            found = [_plain_field(parent_type, name, details) for name, details in fields.items()]
            plan = None if None in found else [field for field in found if field is not None]
        self._plans[key] = (fields, plan)
        return plan


def _time_limit(context: object) -> float:
    """The app's context carries its settings; a schema run without one gets the default."""
    settings = getattr(context, "settings", None)
    if isinstance(settings, Settings):
        return settings.query_time_limit_seconds
    return DEFAULT_QUERY_TIME_LIMIT


async def _within_time_limit(
    result: Awaitable[ExecutionResult], started: float, limit: float
) -> ExecutionResult:
    # Field errors never reach here (graphql-core keeps them in the result): only the limit does.
    try:
        async with asyncio.timeout_at(started + limit):
            return await result
    except TimeoutError:
        return ExecutionResult(data=None, errors=[GraphQLError(time_limit_message(limit))])


def _plain_field(
    parent_type: GraphQLObjectType, response_name: str, details: FieldDetailsList
) -> _PlainField | None:
    """How to answer one selected field by reading an attribute, or None if it needs executing."""
    field_def = parent_type.fields.get(details[0].node.name.value)
    if field_def is None or field_def.args:
        return None
    if any(detail.node.arguments or detail.defer_usage is not None for detail in details):
        return None
    attribute = plain_attribute(field_def)
    if attribute is None:
        return None
    non_null = isinstance(field_def.type, GraphQLNonNull)
    leaf = field_def.type.of_type if non_null else field_def.type
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return None
    return _PlainField(response_name, attribute, leaf.coerce_output_value, non_null)


def _plain_values(plan: list[_PlainField], source: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in plan:
        value = getattr(source, field.attribute)
        if value is None:
            if field.non_null:
                raise _NotPlain
            values[field.response_name] = None
            continue
        if isinstance(value, Exception):  # graphql-core reports a returned error as one
            raise _NotPlain
        try:
            coerced = field.coerce(value)
        except Exception as error:
            raise _NotPlain from error
        if coerced is Undefined or coerced is None:
            raise _NotPlain
        values[field.response_name] = coerced
    return values
