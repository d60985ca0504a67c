"""Errors services raise for the API layer to turn into typed results."""

from __future__ import annotations


class InvalidInput(Exception):
    """The user gave a value that cannot be accepted; `field` names it for the form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFoundError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionRefused(Exception):
    """The user may not do this; the message says who may."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
