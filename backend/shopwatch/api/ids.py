"""Opaque IDs for GraphQL: the encoding lives in `shopwatch.core.ids`, typed here as `strawberry.ID`."""

from __future__ import annotations

import strawberry

from shopwatch.core import ids
from shopwatch.core.ids import decode_id

__all__ = ["decode_id", "encode_id"]


def encode_id(kind: str, pk: int) -> strawberry.ID:
    return strawberry.ID(ids.encode_id(kind, pk))
