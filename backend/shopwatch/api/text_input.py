"""Every string a request gives, in its variables or as a literal in the query, is text that the
database can hold and compare: a NUL character (PostgreSQL stores none) or a lone UTF-16 surrogate
(JSON can spell one, UTF-8 cannot encode it) refuses the whole request with 400 before it runs, so
no filter, slug, ID, email or name needs its own check for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
NUL_IN = "`{path}` contains a NUL character, which no text here may hold."
SURROGATE_IN = "`{path}` contains a lone UTF-16 surrogate, which is not text."
NUL_IN_THE_QUERY = "A string in the query contains a NUL character, which no text here may hold."


def _unusable_text(value: object, path: str) -> str | None:
    """Why the first string in `value` that is not text is refused, naming where it is; or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return NUL_IN.format(path=path)
        # A surrogate pair arrives from JSON as one character, so any surrogate left is alone.
        if _LONE_SURROGATE.search(value):
            return SURROGATE_IN.format(path=path)
        return None
    if isinstance(value, dict):
        items: Iterator[tuple[object, object]] = iter(value.items())
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if reason := _unusable_text(key, path) or _unusable_text(item, f"{path}.{key}"):
            return reason
    return None


def _unusable_variable(variables: dict[str, object]) -> str | None:
    for name, value in variables.items():
        if reason := _unusable_text(name, f"${name}") or _unusable_text(value, f"${name}"):
            return reason
    return None


class _NulInLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: StringValueNode | None = None

    def enter_string_value(self, node: StringValueNode, *_: Any) -> object:
        if "\x00" in node.value:
            self.found = node
            return self.BREAK
        return None


def _nul_in_literals(query: str | None, document: Any) -> StringValueNode | None:
    # A literal can hold NUL only through an escape (`\u0000`, `\u{0}`) or a raw NUL, so most
    # queries need no walk; the graphql-core lexer already refuses lone surrogates in literals.
    if document is None or not query or ("\\u" not in query and "\x00" not in query):
        return None
    finder = _NulInLiterals()
    visit(document, finder)
    return finder.found


class RefuseUnusableText(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        error: GraphQLError | None = None
        if reason := _unusable_variable(context.variables or {}):
            error = GraphQLError(reason)
        elif node := _nul_in_literals(context.query, context.graphql_document):
            error = GraphQLError(NUL_IN_THE_QUERY, nodes=[node])
        if error is not None:
            # Set before execution, the result stands in for it: nothing runs.
            context.result = ExecutionResult(data=None, errors=[error])
            response = getattr(context.context, "response", None)
            if response is not None:  # None when the schema runs outside HTTP, as in a script
                response.status_code = 400
        yield
