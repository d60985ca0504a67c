"""Execution with a shortcut for objects whose selected fields are all plain stored values.

graphql-core runs every field through resolve info, the resolver, awaitable checks and completion:
about 2.5 µs a field. An area summary answers ~750 of them, 504 for its 168 hour-of-week cells, and
that was a third of the request's own work beside its SQL (bench/README.md). When every field
selected on an object is a strawberry field with no resolver, permission or extension, taking no
arguments and giving a scalar or enum, the answer is each attribute serialised, which this does
in one loop. Anything else, and any value that would be an error, goes the ordinary way, so the
errors are graphql-core's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField


class _PlainField(NamedTuple):
    response_name: str
    attribute: str
    coerce: Callable[[Any], Any]
    non_null: bool


class _NotPlain(Exception):
    """A value the shortcut leaves to graphql-core (a null where one is not allowed, say)."""


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # With middleware, a schema extension wraps every resolver: no shortcut.
        self._shortcut = self.middleware_manager is None or not self.middleware_manager.middlewares
        # (type, id of a grouped field set) -> (the set, kept alive so its id is not reused; its plan)
        self._plans: dict[tuple[str, int], tuple[GroupedFieldSet, list[_PlainField] | None]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plan = self._plan(parent_type, grouped_field_set)
        if plan is not None:
            try:
                return _plain_values(plan, source_value)
            except _NotPlain:
                pass
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)

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


def _plain_field(
    parent_type: GraphQLObjectType, response_name: str, details: FieldDetailsList
) -> _PlainField | None:
    """How to answer one selected field by reading an attribute, or None if it needs executing."""
    field_def = parent_type.fields.get(details[0].node.name.value)
    if field_def is None or field_def.args:
        return None
    if any(detail.node.arguments or detail.defer_usage is not None for detail in details):
        return None
    definition = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if definition.default_resolver is not getattr or not getattr(field_def.resolve, "_is_default", False):
        return None
    non_null = isinstance(field_def.type, GraphQLNonNull)
    leaf = field_def.type.of_type if non_null else field_def.type
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return None
    return _PlainField(response_name, definition.python_name, leaf.coerce_output_value, non_null)


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
