"""Query documents generated from the schema: from one root field, every field of every object type
it leads to, to a bounded depth, each type at most once along a path (so cycles end), with a small
`first` on every connection.

A document over the server's token limit is split into several, each keeping the leaves on the way
down and one branch, so together they still select every field the whole one would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
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
    page: int = 2  # `first` on every connection
    max_depth: int = MAX_DEPTH - 1  # nesting of objects; their leaves are one deeper
    max_tokens: int = MAX_TOKENS

    def documents(self, root: str, arguments: Mapping[str, object]) -> list[str]:
        """Documents selecting everything under Query.`root`, called with `arguments` (JSON values)."""
        field = self.schema.query_type.fields[root] if self.schema.query_type else None
        assert field is not None, root
        call = root + _arguments(arguments)
        target = get_named_type(field.type)
        if is_leaf_type(target):
            return [f"query {{ {call} }}"]

        def wrap(selection: str) -> str:
            return f"query {{ {call} {{ {selection} }} }}"

        return [wrap(piece) for piece in self._fitting(target, 1, frozenset({target.name}), wrap)]

    def _fitting(self, type_: GraphQLNamedType, depth: int, seen: frozenset[str], wrap: Wrap) -> list[str]:
        whole = self._selection(type_, depth, seen)
        if token_count(wrap(whole)) <= self.max_tokens or not isinstance(type_, GraphQLObjectType):
            return [whole]
        leaves = " ".join(self._leaves(type_))
        pieces = []
        for name, field in type_.fields.items():
            target = get_named_type(field.type)
            if is_leaf_type(target) or not self._goes_on(target, depth, seen):
                continue
            call = name + self._field_arguments(type_, name, field)

            def branch(selection: str, call: str = call) -> str:
                return f"{leaves} {call} {{ {selection} }}"

            def wrapped(selection: str, branch: Wrap = branch) -> str:
                return wrap(branch(selection))

            for piece in self._fitting(target, depth + 1, seen | {target.name}, wrapped):
                pieces.append(branch(piece))
        return pieces or [leaves]

    def _goes_on(self, target: GraphQLNamedType, depth: int, seen: frozenset[str]) -> bool:
        return depth < self.max_depth and target.name not in seen

    def _leaves(self, type_: GraphQLObjectType) -> list[str]:
        return ["__typename"] + [
            name + self._field_arguments(type_, name, field)
            for name, field in type_.fields.items()
            if is_leaf_type(get_named_type(field.type))
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
        for name, field in type_.fields.items():
            target = get_named_type(field.type)
            if not is_leaf_type(target) and self._goes_on(target, depth, seen):
                inner = self._selection(target, depth + 1, seen | {target.name})
                parts.append(f"{name}{self._field_arguments(type_, name, field)} {{ {inner} }}")
        return " ".join(parts)

    def _field_arguments(self, type_: GraphQLObjectType, name: str, field: GraphQLField) -> str:
        """A small page on connections; a nested field with another required argument is a new case
        that this walk must be taught, so it fails loudly."""
        values: dict[str, object] = {}
        for argument_name, argument in field.args.items():
            if argument_name == "first":
                values["first"] = self.page
            elif isinstance(argument.type, GraphQLNonNull) and argument.default_value is None:
                raise AssertionError(f"{type_.name}.{name} needs `{argument_name}`: teach the walk a value")
        return _arguments(values)


def _arguments(values: Mapping[str, object]) -> str:
    if not values:
        return ""
    return "(" + ", ".join(f"{name}: {_literal(value)}" for name, value in values.items()) + ")"


def _literal(value: object) -> str:
    """A GraphQL literal for a JSON-like value (strings, numbers, booleans, lists)."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    return json.dumps(value)
