"""Counting the SQL statements a piece of work sends, from tortoise's own query log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

_STATEMENTS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = str(record.msg if not record.args else record.args[0]).lstrip()
        if text.upper().startswith(_STATEMENTS):
            self.statements.append(text)


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """The statements sent while the block runs; the list fills as they go."""
    logger = logging.getLogger("tortoise.db_client")
    counter = _Counter()
    previous = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter.statements
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[tuple[str, list[object]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple) and len(record.args) == 2:
            text, values = record.args
            if str(text).lstrip().upper().startswith("SELECT"):
                self.statements.append((str(text), list(values or [])))


@contextmanager
def recording_selects() -> Iterator[list[tuple[str, list[object]]]]:
    """The SELECT statements sent while the block runs, each with its parameters, to EXPLAIN them."""
    logger = logging.getLogger("tortoise.db_client")
    recorder = _Recorder()
    previous = logger.level
    logger.addHandler(recorder)
    logger.setLevel(logging.DEBUG)
    try:
        yield recorder.statements
    finally:
        logger.removeHandler(recorder)
        logger.setLevel(previous)
