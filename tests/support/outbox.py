"""Reading the outbox as the worker does: the tests' SECRET_KEY opens sealed bodies."""

from __future__ import annotations

from shopwatch.core.mail.models import OutboxEmail
from shopwatch.core.mail.sealing import OutboxSeal

TEST_SECRET_KEY = "test-secret-key-" + "x" * 32
TEST_SEAL = OutboxSeal(TEST_SECRET_KEY)


def plain_text(email: OutboxEmail) -> str:
    """The email's plain-text body, opened if it is sealed."""
    return TEST_SEAL.open(email.text_body) if email.sealed else email.text_body
