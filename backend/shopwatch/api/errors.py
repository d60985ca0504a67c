"""The typed errors every mutation result union may contain."""

from __future__ import annotations

import strawberry

from shopwatch.core.errors import InvalidInput, NotFoundError, PermissionRefused


@strawberry.type(description="An input value was refused; `field` names it in the input.")
class ValidationError:
    field: str
    message: str

    @classmethod
    def from_error(cls, error: InvalidInput) -> ValidationError:
        return cls(field=error.field, message=error.message)


@strawberry.type(description="The viewer may not do this.")
class PermissionDenied:
    message: str

    @classmethod
    def from_error(cls, error: PermissionRefused) -> PermissionDenied:
        return cls(message=error.message)


@strawberry.type(description="The thing asked for does not exist or is out of the viewer's reach.")
class NotFound:
    message: str

    @classmethod
    def from_error(cls, error: NotFoundError) -> NotFound:
        return cls(message=error.message)


@strawberry.type(description="Logging in, or a one-time link, did not work; the message says what to do.")
class AuthError:
    message: str
