"""Every environment variable Shopwatch reads, with its default, in one place."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

DEVELOPMENT = "development"
PRODUCTION = "production"
DEFAULT_QUERY_TIME_LIMIT = 3.0


class ImproperlyConfigured(Exception):
    """The environment asks for something unsafe or impossible."""


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    media_root: Path
    mail_dir: Path
    smtp_url: str | None
    secret_key: str
    public_url: str
    mail_from: str
    # The first wait before an email that failed for a passing reason goes again; it doubles after
    # each failure, up to an hour.
    mail_first_retry_seconds: float = 30.0
    # A query (never a mutation) still running this long after it started is stopped: the cost
    # budget bounds the work; this bounds the wait if something unforeseen is slow.
    query_time_limit_seconds: float = DEFAULT_QUERY_TIME_LIMIT
    # Web Push: the server's VAPID key (a P-256 private key, 32 bytes in base64url) and the contact
    # the push services may write to about it. Empty: no push is sent and pushPublicKey is null.
    vapid_private_key: str = ""
    vapid_subject: str = ""

    @property
    def is_production(self) -> bool:
        return self.env == PRODUCTION

    @property
    def secure_cookies(self) -> bool:
        return urlsplit(self.public_url).scheme == "https"

    @property
    def public_origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def mail_domain(self) -> str:
        return urlsplit(self.public_url).hostname or "localhost"

    @property
    def vapid_public_key(self) -> str | None:
        """The key the phones subscribe with (`applicationServerKey`): base64url, uncompressed point."""
        return vapid_public_key(self.vapid_private_key) if self.vapid_private_key else None

    def app_link(self, path: str) -> str:
        """An absolute link into the app, for emails."""
        return self.public_url.rstrip("/") + "/" + path.lstrip("/")


def load_settings(
    environ: Mapping[str, str] | None = None, var_dir: Path | None = None, served_at: str | None = None
) -> Settings:
    """`served_at`: where `shopwatch serve` listens, the development default for `PUBLIC_URL`, so
    links in emails reach the port actually served."""
    environ = os.environ if environ is None else environ
    var_dir = Path(environ.get("SHOPWATCH_VAR_DIR", "var")) if var_dir is None else var_dir
    env = environ.get("SHOPWATCH_ENV", DEVELOPMENT)
    if env not in (DEVELOPMENT, PRODUCTION):
        raise ImproperlyConfigured(f"SHOPWATCH_ENV must be {DEVELOPMENT!r} or {PRODUCTION!r}, not {env!r}")
    production = env == PRODUCTION

    secret_key = environ.get("SECRET_KEY", "")
    public_url = environ.get("PUBLIC_URL", "")
    if production:
        if len(secret_key) < 32:
            raise ImproperlyConfigured(
                "SECRET_KEY must be set to at least 32 random characters in production"
            )
        if not public_url:
            raise ImproperlyConfigured("PUBLIC_URL must be set in production")
    else:
        secret_key = secret_key or _development_secret_key(var_dir)
        public_url = public_url or served_at or "http://127.0.0.1:8000"
    if urlsplit(public_url).scheme not in ("http", "https") or not urlsplit(public_url).netloc:
        raise ImproperlyConfigured(f"PUBLIC_URL must be an http(s) URL, not {public_url!r}")

    database_url = environ.get("DATABASE_URL") or f"sqlite://{(var_dir / 'shopwatch.sqlite3').resolve()}"
    if production and database_url.startswith("sqlite") and ":memory:" in database_url:
        raise ImproperlyConfigured("An in-memory database loses every report on restart")

    smtp_url = environ.get("SMTP_URL") or None
    if smtp_url is not None:
        _check_smtp_url(smtp_url)
    first_retry = _positive_seconds(environ, "MAIL_FIRST_RETRY_SECONDS", 30.0)
    query_time_limit = _positive_seconds(environ, "QUERY_TIME_LIMIT_SECONDS", DEFAULT_QUERY_TIME_LIMIT)
    vapid_private_key, vapid_subject = _vapid(environ, production, var_dir, public_url)

    return Settings(
        env=env,
        database_url=database_url,
        media_root=Path(environ.get("MEDIA_ROOT") or var_dir / "media").resolve(),
        mail_dir=(var_dir / "mail").resolve(),
        smtp_url=smtp_url,
        secret_key=secret_key,
        public_url=public_url,
        mail_from=environ.get("MAIL_FROM") or f"Shopwatch <noreply@{urlsplit(public_url).hostname}>",
        mail_first_retry_seconds=first_retry,
        query_time_limit_seconds=query_time_limit,
        vapid_private_key=vapid_private_key,
        vapid_subject=vapid_subject,
    )


def _positive_seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    text = environ.get(name) or ""
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds <= 3600:  # also false for NaN
        raise ImproperlyConfigured(f"{name} must be a number of seconds between 0 and 3600, not {text!r}")
    return seconds


def _check_smtp_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ImproperlyConfigured(
            "SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465"
        )


def _development_secret_key(var_dir: Path) -> str:
    """Generated once and kept under var/ so sessions survive a restart on a laptop."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _vapid(environ: Mapping[str, str], production: bool, var_dir: Path, public_url: str) -> tuple[str, str]:
    """The VAPID private key and subject: required in production, made up in development."""
    key = environ.get("VAPID_PRIVATE_KEY", "").strip()
    subject = environ.get("VAPID_SUBJECT", "").strip()
    if production and not (key and subject):
        raise ImproperlyConfigured(
            "VAPID_PRIVATE_KEY and VAPID_SUBJECT must be set in production "
            "(`shopwatch vapid-keys` makes a key)"
        )
    key = key or _development_vapid_key(var_dir)
    subject = subject or f"mailto:noreply@{urlsplit(public_url).hostname}"
    try:
        vapid_public_key(key)
    except ValueError as error:
        raise ImproperlyConfigured(f"VAPID_PRIVATE_KEY is not a P-256 private key: {error}") from None
    if not (subject.startswith("mailto:") or subject.startswith("https://")):
        raise ImproperlyConfigured(f"VAPID_SUBJECT must be a mailto: or https: URL, not {subject!r}")
    return key, subject


def new_vapid_private_key() -> str:
    """A new P-256 private key as 32 bytes of base64url (the form web-push libraries share)."""
    number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return _b64url(number.to_bytes(32, "big"))


def vapid_public_key(private_key: str) -> str:
    """The public key of `private_key` (base64url of the uncompressed point); ValueError if invalid."""
    try:
        raw = base64.urlsafe_b64decode(private_key + "=" * (-len(private_key) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64url") from error
    if len(raw) != 32:
        raise ValueError("not 32 bytes")
    public = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1()).public_key()
    return _b64url(
        public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _development_vapid_key(var_dir: Path) -> str:
    """Generated once and kept under var/, like the secret key: a new key would void every phone's
    subscription."""
    path = var_dir / "vapid_private_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = new_vapid_private_key()
    path.write_text(key)
    path.chmod(0o600)
    return key
