"""The schema: each domain's queries and mutations merged, with the limits every request runs under."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types

from shopwatch.api.accounts import AccountsMutation, AccountsQuery
from shopwatch.api.places import PlacesMutation, PlacesQuery

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000

Query = merge_types("Query", (AccountsQuery, PlacesQuery))
Mutation = merge_types("Mutation", (AccountsMutation, PlacesMutation))


def _is_internal(error: GraphQLError) -> bool:
    """Errors we raise on purpose (permissions, limits, validation) are meant for the user;
    anything else is a bug whose message may expose internals."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


def build_schema(*, production: bool) -> strawberry.Schema:
    # Factories, not instances: strawberry builds fresh extensions per request from them.
    extensions: list[Callable[[], SchemaExtension]] = [
        ParserCache,
        ValidationCache,
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
    ]
    if production:
        extensions += [
            DisableIntrospection,
            partial(
                MaskErrors,
                should_mask_error=_is_internal,
                error_message="Something went wrong on our side.",
            ),
        ]
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)  # type: ignore[arg-type]


def build_sdl() -> str:
    return build_schema(production=False).as_str() + "\n"
