"""The SQL statements a piece of work sends, from tortoise's own query log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

Statement = tuple[str, list[object]]

READS = ("SELECT", "WITH")
WRITES = ("INSERT", "UPDATE", "DELETE")


class _Recorder(logging.Handler):
    def __init__(self, kinds: tuple[str, ...]) -> None:
        super().__init__(logging.DEBUG)
        self.kinds = kinds
        self.statements: list[Statement] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Queries are logged as ("%s: %s", sql, values), scripts as the bare SQL.
        args = record.args if isinstance(record.args, tuple) else ()
        text = str(args[0] if args else record.msg)
        values = list(args[1] or []) if len(args) == 2 else []  # type: ignore[call-overload]
        if text.lstrip().upper().startswith(self.kinds):
            self.statements.append((text, values))


@contextmanager
def recording_statements(kinds: tuple[str, ...] = READS + WRITES) -> Iterator[list[Statement]]:
    """The statements of `kinds` sent while the block runs, each with its parameters; the list
    fills as they go."""
    logger = logging.getLogger("tortoise.db_client")
    recorder = _Recorder(kinds)
    previous = logger.level
    logger.addHandler(recorder)
    logger.setLevel(logging.DEBUG)
    try:
        yield recorder.statements
    finally:
        logger.removeHandler(recorder)
        logger.setLevel(previous)


def counting_queries() -> AbstractContextManager[list[Statement]]:
    """Every statement sent while the block runs (reads and writes)."""
    return recording_statements()


def recording_reads() -> AbstractContextManager[list[Statement]]:
    """The reads (SELECT, and WITH ... SELECT) sent while the block runs, to EXPLAIN them."""
    return recording_statements(READS)
