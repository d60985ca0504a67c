"""Query documents generated from the schema: from one root field, every field of every object type
it leads to, to a bounded depth, each type at most once along a path (so cycles end), with a small
`first` on every connection.

Every document stays within the server's depth and token limits. When the whole selection is over
the token limit, it is split: each branch on its own, down to single fields, packed together again
as far as the limit allows, so the documents together still select every field the whole one would.
The cost budget is not considered: a walk runs with it lifted (see tests/api/test_scope_walk.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    Source,
    TokenKind,
    build_schema,
    get_named_type,
    is_leaf_type,
)
from graphql.language import Lexer

from shopwatch.api.schema import MAX_DEPTH, MAX_TOKENS, build_sdl

Wrap = Callable[[str], str]


def our_schema() -> GraphQLSchema:
    """The schema as clients see it (its SDL), in graphql-core's terms."""
    return build_schema(build_sdl())


def token_count(document: str) -> int:
    lexer = Lexer(Source(document))
    count = 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


@dataclass(frozen=True)
class Walk:
    schema: GraphQLSchema
    page: int = 2  # `first` on every nested connection
    max_depth: int = MAX_DEPTH - 1  # nesting of objects; their leaves are one deeper
    max_tokens: int = MAX_TOKENS

    def documents(self, root: str, variables: Mapping[str, object]) -> list[str]:
        """Documents selecting everything under Query.`root`, its arguments given as `variables`
        (the same names), to be run with those variables or others of the same types."""
        assert self.schema.query_type is not None
        root_field = self.schema.query_type.fields[root]
        definitions = ", ".join(f"${name}: {root_field.args[name].type}" for name in variables)
        call = root + ("(" + ", ".join(f"{name}: ${name}" for name in variables) + ")" if variables else "")
        header = f"query Walk({definitions})" if variables else "query Walk"
        target = get_named_type(root_field.type)
        if is_leaf_type(target):
            return [f"{header} {{ {call} }}"]

        def wrap(selection: str) -> str:
            return f"{header} {{ {call} {{ {selection} }} }}"

        pieces = self._fitting(target, 1, frozenset({target.name}), wrap)
        return [wrap(piece) for piece in pieces]

    def _fits(self, document: str) -> bool:
        return token_count(document) <= self.max_tokens

    def _fitting(
        self,
        type_: GraphQLNamedType,
        depth: int,
        seen: frozenset[str],
        wrap: Wrap,
    ) -> list[str]:
        """Selections of `type_` that fit the limits once wrapped, together selecting all of it."""
        whole = self._selection(type_, depth, seen)
        if self._fits(wrap(whole)):
            return [whole]
        assert isinstance(type_, GraphQLObjectType), f"{type_} alone is over the limits"
        items = self._leaves(type_)
        assert all(self._fits(wrap(leaf)) for leaf in items), f"{type_} is nested too deep for the limit"
        for name, definition in type_.fields.items():
            target = get_named_type(definition.type)
            call = name + self._field_arguments(type_, name, definition)
            if not is_leaf_type(target) and self._goes_on(target, depth, seen):

                def branch(selection: str, call: str = call) -> str:
                    return f"{call} {{ {selection} }}"

                def wrapped(selection: str, branch: Wrap = branch) -> str:
                    return wrap(branch(selection))

                next_seen = seen | {target.name}
                items += [branch(piece) for piece in self._fitting(target, depth + 1, next_seen, wrapped)]
        return _packed(items, wrap, self._fits)

    def _goes_on(self, target: GraphQLNamedType, depth: int, seen: frozenset[str]) -> bool:
        return depth < self.max_depth and target.name not in seen

    def _leaves(self, type_: GraphQLObjectType) -> list[str]:
        return ["__typename"] + [
            name + self._field_arguments(type_, name, definition)
            for name, definition in type_.fields.items()
            if is_leaf_type(get_named_type(definition.type))
        ]

    def _selection(self, type_: GraphQLNamedType, depth: int, seen: frozenset[str]) -> str:
        if isinstance(type_, GraphQLUnionType | GraphQLInterfaceType):
            members = self.schema.get_possible_types(type_)
            return "__typename " + " ".join(
                f"... on {member.name} {{ {self._selection(member, depth, seen | {member.name})} }}"
                for member in members
            )
        assert isinstance(type_, GraphQLObjectType), type_
        parts = self._leaves(type_)
        for name, definition in type_.fields.items():
            target = get_named_type(definition.type)
            if not is_leaf_type(target) and self._goes_on(target, depth, seen):
                inner = self._selection(target, depth + 1, seen | {target.name})
                parts.append(f"{name}{self._field_arguments(type_, name, definition)} {{ {inner} }}")
        return " ".join(parts)

    def _field_arguments(self, type_: GraphQLObjectType, name: str, definition: GraphQLField) -> str:
        """A small page on connections; a nested field with another required argument is a new case
        that this walk must be taught, so it fails loudly."""
        values = []
        for argument_name, argument in definition.args.items():
            if argument_name == "first":
                values.append(f"first: {self.page}")
            elif isinstance(argument.type, GraphQLNonNull) and argument.default_value is None:
                raise AssertionError(f"{type_.name}.{name} needs `{argument_name}`: teach the walk a value")
        return f"({', '.join(values)})" if values else ""


def _packed(items: list[str], wrap: Wrap, fits: Callable[[str], bool]) -> list[str]:
    """The items put together in as few selections as fit, in order."""
    pieces: list[str] = []
    current: list[str] = []
    for item in items:
        if current and fits(wrap(" ".join([*current, item]))):
            current.append(item)
            continue
        if current:
            pieces.append(" ".join(current))
        current = [item]
    if current:
        pieces.append(" ".join(current))
    return pieces
