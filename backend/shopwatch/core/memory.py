"""The cyclic garbage collector in a long-running server process."""

from __future__ import annotations

import gc

_frozen = False


def freeze_startup_objects() -> None:
    """Move everything made so far (modules, the GraphQL schema, the ORM's models) out of the
    collector's reach, once a process.

    They live as long as the process, yet a full collection scanned them all every time: tens of
    milliseconds, and up to 200 under load, in which no request moved (bench/README.md). Frozen, a
    full collection scans only what was made since.
    """
    global _frozen
    if _frozen:
        return
    gc.collect()
    gc.freeze()
    _frozen = True
