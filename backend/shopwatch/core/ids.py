"""Opaque IDs: clients see `base64url("Kind:pk")`, so internal keys can change without breaking them.

Here, below every domain, so emails can link to an object by the same ID the API gives it.
"""

from __future__ import annotations

import base64
import binascii


def encode_id(kind: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{pk}".encode()).decode().rstrip("=")


def decode_id(kind: str, value: str) -> int | None:
    """The primary key inside an ID of this kind, or None if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    prefix, _, pk = raw.partition(":")
    return parse_key(pk) if prefix == kind else None


def parse_key(text: str) -> int | None:
    """A primary key written in decimal, or None: ASCII digits only (str.isdigit() also takes "²",
    which int() refuses, and "٣", another spelling of a key that already has one), and short enough
    for a 64-bit column."""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)
