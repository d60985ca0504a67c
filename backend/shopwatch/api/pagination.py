"""Relay connections (`edges { node cursor } pageInfo { hasNextPage hasPreviousPage startCursor
endCursor }`), built by `connection` for every list, and the cursors they give out.

A cursor is base64url of `<kind>|<time in UTC>|<primary key>`: the sort key of the row it follows,
named by the kind of list. `after` takes only what `encode_cursor` could have written for this kind,
so a cursor of another list, a key too large for the database, or a time the database cannot place
is refused with one clear error before any SQL runs.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

import strawberry
from graphql import GraphQLError

from shopwatch.core.ids import parse_key

MAX_PAGE = 100
DEFAULT_PAGE = 20
NOT_A_CURSOR = "`after` is not a cursor from this list."

Node = TypeVar("Node")
Row = TypeVar("Row")
SortKey = tuple[datetime | None, int]


@strawberry.type(
    description="Pages go forwards only (`first`, `after`), so `hasPreviousPage` is always false, "
    "as Relay allows when not paging backwards."
)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[Node]):
    node: Node
    cursor: str


@strawberry.type
class Connection(Generic[Node]):
    edges: list[Edge[Node]]
    page_info: PageInfo


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 1 <= first <= MAX_PAGE:
        raise GraphQLError(f"`first` must be between 1 and {MAX_PAGE}.")
    return first


def connection(
    rows: Sequence[Row], size: int, node: Callable[[Row], Node], kind: str, key: Callable[[Row], SortKey]
) -> Connection[Node]:
    """A page from `size + 1` rows in order: the extra row only tells that there is a next page."""
    edges = [Edge(node=node(row), cursor=encode_cursor(kind, *key(row))) for row in rows[:size]]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > size,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


def empty_connection() -> Connection[Node]:
    return Connection(
        edges=[],
        page_info=PageInfo(has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None),
    )


def encode_cursor(kind: str, moment: datetime | None, pk: int) -> str:
    stamp = "" if moment is None else moment.astimezone(UTC).isoformat()
    return base64.urlsafe_b64encode(f"{kind}|{stamp}|{pk}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> tuple[datetime, int] | None:
    """The sort key to continue after, for a list whose rows all have a time."""
    key = decode_cursor_of_maybe_timeless(kind, cursor)
    if key is None:
        return None
    moment, pk = key
    if moment is None:
        raise GraphQLError(NOT_A_CURSOR)
    return moment, pk


def decode_cursor_of_maybe_timeless(kind: str, cursor: str | None) -> SortKey | None:
    """The sort key to continue after, for a list where a row may have no time (it comes last)."""
    if cursor is None:
        return None
    key = _sort_key(kind, cursor)
    # Only the exact text this key encodes to: no second spelling of a cursor, such as cut padding,
    # "007" for 7, or another time zone.
    if key is None or encode_cursor(kind, *key) != cursor:
        raise GraphQLError(NOT_A_CURSOR)
    return key


def _sort_key(kind: str, cursor: str) -> SortKey | None:
    try:
        fields = base64.urlsafe_b64decode(cursor.encode("ascii")).decode().split("|")
    except (binascii.Error, ValueError):  # UnicodeError is a ValueError
        return None
    if len(fields) != 3 or fields[0] != kind:
        return None
    _, stamp, digits = fields
    pk = parse_key(digits)
    if pk is None:
        return None
    if not stamp:
        return None, pk
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    # In UTC, as written: converting another offset near year 1 or 9999 overflows.
    return (moment, pk) if moment.utcoffset() == timedelta(0) else None
