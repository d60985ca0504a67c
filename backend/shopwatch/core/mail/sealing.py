"""Sealed outbox bodies: an email carrying a one-time link is stored encrypted (Fernet: AES and an
HMAC) under a key derived from SECRET_KEY, which the database does not hold, and opened only by
the worker as it sends. A copy of the database alone therefore gives nobody a usable link."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Separates this key from anything else ever derived from SECRET_KEY.
_PURPOSE = b"shopwatch outbox seal"


class SealBroken(Exception):
    """The body was sealed under another SECRET_KEY, or altered since."""


class OutboxSeal:
    def __init__(self, secret_key: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed).decode()
        except InvalidToken as error:
            raise SealBroken("sealed under another SECRET_KEY, or altered") from error
