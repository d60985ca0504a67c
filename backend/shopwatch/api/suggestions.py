"""Production error messages without graphql-core's "Did you mean ...?" hints.

The hints spell out field, argument, type and enum names near a misspelt one, which lets anyone map
the schema that production hides by refusing introspection. graphql-core can leave them out
(`validate(..., hide_suggestions=True)`), but strawberry 0.341 does not pass that option on, neither
to validation nor to variable coercion, so the hints are removed from the finished result instead.
"""

from __future__ import annotations

import re

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

# graphql-core's `did_you_mean`: " Did you mean 'a', 'b', or 'c'?", or with a sub-message such as
# "the enum value". Names cannot contain "?", so the hint ends at the first one.
SUGGESTION = re.compile(r" Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    return SUGGESTION.sub("", message)


def _has_suggestion(error: GraphQLError) -> bool:
    return SUGGESTION.search(error.message) is not None


class HideSuggestions(MaskErrors):
    """MaskErrors' plumbing (every result, streamed or not), rewriting only the hint."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_has_suggestion)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(
            message=without_suggestions(error.message),
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=error.original_error,
            extensions=error.extensions,
        )
