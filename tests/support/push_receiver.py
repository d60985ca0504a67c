"""A push service on 127.0.0.1 that does what a phone's would before taking a message: checks the
VAPID signature (RFC 8292) and decrypts the `aes128gcm` payload (RFC 8291) with the phone's keys.

The phone's real push service cannot be reached from a test machine; this is where the sending is
checked, up to the HTTP request.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Phone:
    """A browser's push subscription: its endpoint here, its key pair and auth secret."""

    name: str
    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))
    # What the push service answers, one status per request; 201 once they run out.
    answers: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0

    @property
    def p256dh(self) -> str:
        return b64url(
            self.key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self) -> dict[str, str]:
        return {"endpoint": self.endpoint, "p256dh": self.p256dh, "auth": self.auth}


class PushReceiver:
    def __init__(self, vapid_public_key: str, subject: str) -> None:
        self.vapid_public_key = vapid_public_key
        self.subject = subject
        self.origin = ""
        self.phones: dict[str, Phone] = {}
        self.refusals: list[str] = []  # requests that a real push service would have refused

    def phone(self, name: str) -> Phone:
        phone = Phone(name, f"{self.origin}/push/{name}")
        self.phones[name] = phone
        return phone

    def check_vapid(self, authorization: str) -> None:
        """`vapid t=<JWT>,k=<public key>`: an ES256 JWT signed by the key given, which is the server's,
        for this origin, not expired, naming a contact."""
        scheme, _, params = authorization.partition(" ")
        assert scheme == "vapid", authorization
        values = dict(part.strip().split("=", 1) for part in params.split(","))
        assert values["k"] == self.vapid_public_key
        header, claims, signature = values["t"].split(".")
        assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
        raw = unb64url(signature)
        assert len(raw) == 64
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(values["k"]))
        public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        body = json.loads(unb64url(claims))
        assert body["aud"] == self.origin
        assert time.time() < body["exp"] <= time.time() + 24 * 3600
        assert body["sub"] == self.subject

    async def handle(self, request: web.Request) -> web.Response:
        phone = self.phones.get(request.match_info["name"])
        if phone is None:
            return web.Response(status=404)
        phone.requests += 1
        body = await request.read()
        try:
            self.check_vapid(request.headers["Authorization"])
            assert request.headers["Content-Encoding"] == "aes128gcm"
            assert 0 < int(request.headers["TTL"]) <= 15 * 60
            plain = http_ece.decrypt(
                body, private_key=phone.key, auth_secret=phone.auth_secret, version="aes128gcm"
            )
        except (AssertionError, KeyError, ValueError, InvalidSignature) as error:
            self.refusals.append(f"{phone.name}: {error!r}")
            return web.Response(status=400)
        status = phone.answers.pop(0) if phone.answers else 201
        if status == 201:
            phone.received.append(json.loads(plain))
        return web.Response(status=status)


@asynccontextmanager
async def push_receiver(vapid_public_key: str, subject: str) -> AsyncIterator[PushReceiver]:
    receiver = PushReceiver(vapid_public_key, subject)
    app = web.Application()
    app.router.add_post("/push/{name}", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    receiver.origin = f"http://127.0.0.1:{port}"
    try:
        yield receiver
    finally:
        await runner.cleanup()
