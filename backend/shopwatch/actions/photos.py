"""Photos as an action receives them: named for the messages, read only when their turn comes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PhotoFile:
    """`read` gives the bytes, or raises `PhotoRejected` (a file over the size limit)."""

    name: str
    read: Callable[[], Awaitable[bytes]]

    @classmethod
    def of_bytes(cls, name: str, data: bytes) -> PhotoFile:
        async def read() -> bytes:
            return data

        return cls(name=name, read=read)


@dataclass(frozen=True)
class PhotoRefused:
    """One photo of several refused while the rest was kept; `index` is its place in the list."""

    index: int
    message: str
