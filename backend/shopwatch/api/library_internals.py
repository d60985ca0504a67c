"""Every piece of strawberry and graphql-core that is not their public API, in one place.

Each is here for a reason the public API does not serve (README, "Library internals"), and
tests/test_library_internals.py checks each assumption, so an upgrade that changes one fails there
by name instead of somewhere downstream.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLSchema

# The execution context strawberry runs queries with: the plain-fields shortcut and the time limit
# extend it (strawberry's own adds the operation's extensions to every resolver's info).
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext as StrawberryExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

# The grouped field sets graphql-core hands to `execute_fields`, for its type annotations.
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet  # isort: skip

# The depth and alias limits as validation rules made once, so ValidationCache can reuse results:
# strawberry's extensions make a new rule class per request.
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule  # isort: skip
from strawberry.extensions.query_depth_limiter import create_validator as max_depth_rule  # isort: skip

__all__ = [
    "FieldDetailsList",
    "GroupedFieldSet",
    "StrawberryExecutionContext",
    "graphql_schema",
    "max_aliases_rule",
    "max_depth_rule",
    "plain_attribute",
]


def graphql_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema strawberry built (strawberry's own extensions read it the same way)."""
    built = schema._schema
    assert isinstance(built, GraphQLSchema)
    return built


def plain_attribute(field_def: GraphQLField) -> str | None:
    """The Python attribute a field reads when it is a strawberry field with no resolver,
    permission or extension (so answering it is reading that attribute); None otherwise."""
    definition: Any = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if definition.default_resolver is not getattr or not getattr(field_def.resolve, "_is_default", False):
        return None
    return definition.python_name
