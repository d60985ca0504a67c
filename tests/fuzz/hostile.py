"""Strategies for what a hostile client puts in a request's variables: cursors and IDs that are
malformed, oversized or of another kind, and text holding NUL characters or lone UTF-16 surrogates;
and, from the schema, variables of every argument of a root field built from them."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, timedelta, timezone
from typing import Any

import graphql
from hypothesis import strategies as st

KINDS = ["Incident", "Offender", "Alert", "Bid", "Shop", "User", "NeighbourhoodTeam", "Photo", "x", ""]
# Keys a column can and cannot hold: negative, past 32 and 64 bits, far past.
KEYS = st.one_of(
    st.integers(-5, 50),
    st.sampled_from([2**31, 2**63 - 1, 2**63, 10**18, 10**30]),
    st.integers(-(2**80), 2**80),
)
UNUSABLE = ["\x00", "\ud800", "\udfff"]
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
TEXT = st.one_of(
    st.text(max_size=30),
    st.lists(st.text(max_size=6) | st.sampled_from([*UNUSABLE, "\ud83d\ude00", "\\u0000"]), max_size=6).map(
        "".join
    ),
)
# Times at the ends of what dates hold, in and out of UTC, without a zone, or not times at all.
STAMPS = st.one_of(
    st.datetimes(
        timezones=st.just(UTC)
        | st.builds(timezone, st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23)))
        | st.none()
    ).map(lambda moment: moment.isoformat()),
    st.sampled_from(
        ["", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59.999999+00:00", "0001-01-01T00:00:00+01:00"]
    ),
    TEXT,
)


def b64(data: str | bytes, *, padded: bool = True) -> str:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    encoded = base64.urlsafe_b64encode(raw).decode()
    return encoded if padded else encoded.rstrip("=")


CURSORS = st.one_of(
    st.builds(lambda kind, stamp, key: b64(f"{kind}|{stamp}|{key}"), st.sampled_from(KINDS), STAMPS, KEYS),
    st.builds(lambda fields: b64("|".join(fields)), st.lists(TEXT, max_size=5)),
    st.binary(max_size=40).map(b64),
    TEXT,
)
IDS = st.one_of(
    st.builds(lambda kind, key: b64(f"{kind}:{key}", padded=False), st.sampled_from(KINDS), KEYS),
    st.builds(lambda kind, text: b64(f"{kind}:{text}", padded=False), st.sampled_from(KINDS), TEXT),
    st.binary(max_size=30).map(b64),
    TEXT,
)


def has_unusable_text(variables: object) -> bool:
    """Whether the server will find a NUL or a lone surrogate: a pair sent as two escapes in JSON
    arrives as one character, so this looks at the variables as the server decodes them."""
    return _unusable(json.loads(json.dumps(variables)))


def _unusable(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value or LONE_SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_unusable(key) or _unusable(item) for key, item in value.items())
    return isinstance(value, list) and any(_unusable(item) for item in value)


def operations(schema: graphql.GraphQLSchema, excluded: set[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every root field but `excluded` as (name, document, its arguments by name): one document
    per field, every argument a variable, selecting only `__typename` of what it returns."""
    found = []
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert root is not None
        for name, field in root.fields.items():
            if f"{root.name}.{name}" in excluded:
                continue
            declared = ", ".join(f"${arg}: {field.args[arg].type}" for arg in field.args)
            passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
            returned = graphql.get_named_type(field.type)
            selection = "" if graphql.is_leaf_type(returned) else " { __typename }"
            document = (
                f"{kind}{f' ({declared})' if declared else ''} "
                f"{{ {name}{f'({passed})' if passed else ''}{selection} }}"
            )
            found.append((f"{root.name}.{name}", document, dict(field.args)))
    return found


def variables_for(arguments: dict[str, graphql.GraphQLArgument], known_ids: list[str]) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {name: _value(argument.type, name, known_ids) for name, argument in arguments.items()}
    )


def _value(type_: graphql.GraphQLInputType, name: str, known_ids: list[str]) -> st.SearchStrategy:
    if isinstance(type_, graphql.GraphQLNonNull):
        return _present_value(type_.of_type, name, known_ids)
    return st.none() | _present_value(type_, name, known_ids)


def _present_value(type_: graphql.GraphQLInputType, name: str, known_ids: list[str]) -> st.SearchStrategy:
    if isinstance(type_, graphql.GraphQLList):
        return st.lists(_value(type_.of_type, name, known_ids), max_size=3)
    if isinstance(type_, graphql.GraphQLInputObjectType):
        required = {
            key: _value(field.type, key, known_ids)
            for key, field in type_.fields.items()
            if graphql.is_required_input_field(field)
        }
        optional = {
            key: _value(field.type, key, known_ids)
            for key, field in type_.fields.items()
            if not graphql.is_required_input_field(field)
        }
        return st.fixed_dictionaries(required, optional=optional)
    if isinstance(type_, graphql.GraphQLEnumType):
        return st.sampled_from(list(type_.values)) | TEXT
    return _scalar(type_.name, name, known_ids)


def _scalar(type_name: str, name: str, known_ids: list[str]) -> st.SearchStrategy:
    if type_name == "ID":
        return st.sampled_from(known_ids) | IDS
    if type_name == "String":
        return CURSORS if name == "after" else TEXT
    if type_name == "Int":
        return st.integers(-5, 120) | KEYS
    if type_name == "Float":
        return st.floats(allow_nan=False, allow_infinity=False)
    if type_name == "Boolean":
        return st.booleans()
    if type_name == "Date":
        return st.dates().map(lambda day: day.isoformat()) | TEXT
    if type_name == "DateTime":
        return STAMPS
    return st.none() | TEXT  # Upload: text in JSON, refused as not a file
