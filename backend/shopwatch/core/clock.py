"""The one place that says what time it is, so tests and services agree."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
