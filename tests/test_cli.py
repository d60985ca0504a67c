"""The `shopwatch` command as an operator runs it: real processes, the test database."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from shopwatch.accounts.models import Membership, Role, User
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.core.mail.outbox import enqueue_email
from shopwatch.core.security import verify_password

SHOPWATCH = str(Path(sys.executable).with_name("shopwatch"))


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PUBLIC_URL", "SMTP_URL")}
    env.update(
        DATABASE_URL=database_url, SHOPWATCH_VAR_DIR=str(tmp_path / "var"), SHOPWATCH_ENV="development"
    )
    return env


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script
        [SHOPWATCH, *args], input=stdin, env=env, capture_output=True, text=True, timeout=60, check=False
    )


async def test_create_admin_reads_the_password_from_standard_input(tmp_path: Path, database: str) -> None:
    result = _run(
        ["create-admin", "--email", "Chief@Example.org"], _env(tmp_path, database), "a long admin password\n"
    )
    assert result.returncode == 0, result.stderr
    user = await User.get(email="chief@example.org")
    assert await verify_password(user.password_hash, "a long admin password")
    assert await Membership.filter(user=user, role=Role.ADMIN, bid_id=None).count() == 1


async def test_create_admin_refuses_a_short_password(tmp_path: Path, database: str) -> None:
    result = _run(["create-admin", "--email", "chief@example.org"], _env(tmp_path, database), "short\n")
    assert result.returncode == 1
    assert "password" in result.stderr
    assert not await User.exists(email="chief@example.org")


async def test_demo_loads_once_and_prints_logins(tmp_path: Path, database: str) -> None:
    first = _run(["demo"], _env(tmp_path, database))
    assert first.returncode == 0, first.stderr
    for address in ("admin@example.org", "manager@example.org", "staff@example.org", "pcso@example.org"):
        assert address in first.stdout
    users = await User.all().count()
    second = _run(["demo"], _env(tmp_path, database))
    assert second.returncode == 0
    assert await User.all().count() == users


def test_migrate_creates_a_fresh_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'fresh' / 'shopwatch.sqlite3'}"
    assert _run(["migrate"], _env(tmp_path, url)).returncode == 0
    again = _run(["migrate"], _env(tmp_path, url))
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "fresh" / "shopwatch.sqlite3").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _serving(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [SHOPWATCH, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


PASSWORD = "a long admin password"


def _migrated_with_one_account(tmp_path: Path) -> dict[str, str]:
    """A fresh SQLite database with one account, admin@example.org, whose password is PASSWORD."""
    env = _env(tmp_path, f"sqlite://{tmp_path / 'served.sqlite3'}")
    assert _run(["migrate"], env).returncode == 0
    assert _run(["create-admin", "--email", "admin@example.org"], env, f"{PASSWORD}\n").returncode == 0
    return env


def test_serve_answers_healthz_and_graphql(tmp_path: Path) -> None:
    env = _migrated_with_one_account(tmp_path)
    with _serving(env) as base:
        assert httpx.get(f"{base}/healthz").status_code == 200
        login = httpx.post(
            f"{base}/graphql",
            json={
                "query": f'mutation {{ login(email: "admin@example.org", password: "{PASSWORD}") '
                "{ ... on LoginSuccess { user { email } } } }"
            },
        )
        assert login.json() == {"data": {"login": {"user": {"email": "admin@example.org"}}}}
        assert "shopwatch_session" in login.cookies


def test_email_links_in_development_use_the_port_served(tmp_path: Path) -> None:
    env = _migrated_with_one_account(tmp_path)
    mail_dir = tmp_path / "var" / "mail"
    sent_before = set(mail_dir.glob("*.eml"))
    with _serving(env) as base:
        asked = httpx.post(
            f"{base}/graphql", json={"query": 'mutation { requestPasswordReset(email: "admin@example.org") }'}
        )
        assert asked.json() == {"data": {"requestPasswordReset": True}}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not set(mail_dir.glob("*.eml")) - sent_before:
            time.sleep(0.2)
    [reset] = set(mail_dir.glob("*.eml")) - sent_before
    body = email.message_from_bytes(reset.read_bytes(), policy=email.policy.default)
    text = body.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert f"{base}/#/reset/" in text


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    env = _env(tmp_path, "postgres://postgres@127.0.0.1:1/nowhere")
    with _serving(env) as base:
        assert httpx.get(f"{base}/healthz", timeout=10).status_code == 503


async def test_worker_process_writes_queued_email_to_the_mail_folder(tmp_path: Path, database: str) -> None:
    await enqueue_email(
        "someone@example.org",
        "Hello",
        "password_reset",
        {"name": "Sam", "link": "http://x/#/reset/t", "valid_minutes": 60},
        message_domain="example.org",
    )
    env = _env(tmp_path, database)
    process = await asyncio.create_subprocess_exec(SHOPWATCH, "worker", env=env)
    mail_dir = tmp_path / "var" / "mail"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list(mail_dir.glob("*.eml")):
            await asyncio.sleep(0.2)
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), timeout=15) == 0
    [written] = list(mail_dir.glob("*.eml"))
    message = email.message_from_bytes(written.read_bytes())
    assert message["To"] == "someone@example.org"
    assert message["Subject"] == "Hello"
    assert (await OutboxEmail.get()).state == DeliveryState.SENT


async def test_audit_verify_reports_the_first_altered_entry(tmp_path: Path, database: str) -> None:
    from tortoise import connections

    from shopwatch.core.audit.trail import SYSTEM, record

    entries = [await record(SYSTEM, "retention.purge", rows=n) for n in range(3)]
    intact = _run(["audit", "verify"], _env(tmp_path, database))
    assert intact.returncode == 0, intact.stderr
    assert "intact: 3 entries" in intact.stdout
    await connections.get("default").execute_query(
        "UPDATE audit_entry SET detail = '{\"rows\":9}' WHERE id = " + str(entries[1].id)
    )
    broken = _run(["audit", "verify"], _env(tmp_path, database))
    assert broken.returncode == 1
    assert f"broken at entry {entries[1].id}" in broken.stderr


async def test_purge_applies_retention_and_says_what_it_did(tmp_path: Path, database: str) -> None:
    from datetime import timedelta

    from shopwatch.core.clock import now
    from shopwatch.offenders.models import Offender
    from shopwatch.places.models import Bid

    bid = await Bid.create(name="Old Town BID", slug="old-town")
    await Offender.create(bid=bid, display_name="Long gone", created_at=now() - timedelta(days=800))
    result = _run(["purge"], _env(tmp_path, database))
    assert result.returncode == 0, result.stderr
    assert "1 offender records and 0 incidents redacted" in result.stdout
    assert not await Offender.exists(display_name="Long gone")
