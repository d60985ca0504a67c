"""Opaque IDs: clients see `base64("Kind:pk")`, so internal keys can change without breaking them."""

from __future__ import annotations

import base64
import binascii

import strawberry


def encode_id(kind: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{kind}:{pk}".encode()).decode().rstrip("="))


def decode_id(kind: str, value: str) -> int | None:
    """The primary key inside an ID of this kind, or None if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    prefix, _, pk = raw.partition(":")
    if prefix != kind or not pk.isdigit() or len(pk) > 18:
        return None
    return int(pk)
