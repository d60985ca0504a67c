"""`shopwatch serve|worker|migrate|demo|create-admin|export-schema|purge|audit verify|evidence verify|
makemigrations|vapid-keys`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from shopwatch.settings import (
    ImproperlyConfigured,
    Settings,
    load_settings,
    new_vapid_private_key,
    vapid_public_key,
)


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from shopwatch.app import create_app

    app = create_app(settings, run_worker=not args.no_worker)
    print(f"Shopwatch on http://{args.host}:{args.port} (GraphQL at /graphql)", flush=True)
    # As the Procfile: live alerts are a few hundred bytes, and compressing each for each socket
    # cost more CPU than the rest of its sending (bench/README.md).
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        proxy_headers=True,
        ws_per_message_deflate=False,
        log_level="info",
    )
    return 0


async def _with_database(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    from shopwatch.core import db

    await db.open_database(settings.database_url)
    try:
        return await work()
    finally:
        await db.close_database()


def worker(settings: Settings, args: argparse.Namespace) -> int:
    from shopwatch.worker import run_background

    async def work() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        where = "by SMTP" if settings.smtp_url else f"to {settings.mail_dir}"
        print(f"Shopwatch worker sending email {where}", flush=True)
        await run_background(settings, stop)
        return 0

    return asyncio.run(_with_database(settings, work))


def migrate(settings: Settings, args: argparse.Namespace) -> int:
    from shopwatch.core import db

    if settings.database_url.startswith("sqlite://"):
        Path(settings.database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(db.migrate(settings.database_url))
    print("Database is up to date.")
    return 0


def demo(settings: Settings, args: argparse.Namespace) -> int:
    from shopwatch.actions.demo import load_demo_town

    if settings.is_production:
        print("Demo data is for development only.", file=sys.stderr)
        return 1

    async def work() -> int:
        loaded = await load_demo_town(settings)
        if loaded is None:
            print("Data already present; demo data not loaded. Demo logins, if this was a demo database:")
            from shopwatch.places.demo import DEMO_PASSWORD

            print(
                "  any of admin@, manager@, staff@, pcso@, park.manager@example.org"
                f" with password {DEMO_PASSWORD}"
            )
            return 0
        print(f"Demo town centre loaded with {loaded.reports} reports over 4 months. Log in as:")
        for login in loaded.logins:
            print(f"  {login.role.value:<12} {login.email:<26} password: {login.password}")
        return 0

    return asyncio.run(_with_database(settings, work))


def create_admin(settings: Settings, args: argparse.Namespace) -> int:
    from shopwatch.actions.administrators import create_admin as create
    from shopwatch.core.errors import InvalidInput

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("The passwords differ.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")

    async def work() -> int:
        try:
            user = await create(args.email, args.name, password)
        except InvalidInput as error:
            print(f"{error.field}: {error.message}", file=sys.stderr)
            return 1
        print(f"{user.email} is an administrator.")
        return 0

    return asyncio.run(_with_database(settings, work))


def export_schema(settings: Settings, args: argparse.Namespace) -> int:
    from shopwatch.api.schema import build_sdl

    sys.stdout.write(build_sdl())
    return 0


def makemigrations(settings: Settings, args: argparse.Namespace) -> int:
    """Write a migration for model changes (tortoise's autodetector), named after `--name`."""
    from tortoise.cli.cli import run_cli_async

    argv = ["-c", "shopwatch.core.migration_config.TORTOISE_ORM", "makemigrations"]
    if args.name:
        argv += ["--name", args.name]
    return asyncio.run(run_cli_async(argv))


def purge(settings: Settings, args: argparse.Namespace) -> int:
    from shopwatch.actions.retention import purge as run_purge
    from shopwatch.core.clock import now
    from shopwatch.core.storage import PhotoStore

    async def work() -> int:
        purged = await run_purge(PhotoStore(settings.media_root), now())
        print(
            f"Retention: {purged.offenders} offender records and {purged.incidents} incidents redacted; "
            f"{purged.statements} witness statements removed; "
            f"{purged.alert_emails} alert emails cleared of forgotten names; "
            f"{purged.alert_notes} acknowledgement notes cleared; "
            f"{purged.email_bodies} email bodies dropped.",
            flush=True,
        )
        return 0

    return asyncio.run(_with_database(settings, work))


def audit(settings: Settings, args: argparse.Namespace) -> int:
    from shopwatch.core.audit.trail import verify_chain

    async def work() -> int:
        result = await verify_chain()
        print(result.message, file=sys.stdout if result.intact else sys.stderr)
        return 0 if result.intact else 1

    return asyncio.run(_with_database(settings, work))


def evidence(settings: Settings, args: argparse.Namespace) -> int:
    from shopwatch.evidence.verify import PackRejected, verify_pack

    async def work() -> int:
        try:
            verified = await verify_pack(Path(args.pack))
        except PackRejected as error:
            print(f"FAILED: {error.message}", file=sys.stderr)
            return 1
        print(verified.message)
        return 0

    return asyncio.run(_with_database(settings, work))


def vapid_keys() -> int:
    """A new VAPID key pair, as environment lines; needs no settings (it is how production gets them)."""
    private_key = new_vapid_private_key()
    print(f"VAPID_PRIVATE_KEY={private_key}")
    print(f"# public key (the app fetches it as pushPublicKey): {vapid_public_key(private_key)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopwatch", description="Town-centre retail crime reporting.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="serve the app (and send email unless --no-worker)")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--no-worker", action="store_true", help="leave email to `shopwatch worker`")
    serve_parser.set_defaults(run=serve)
    commands.add_parser("worker", help="send queued email until stopped").set_defaults(run=worker)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(run=migrate)
    commands.add_parser("demo", help="load the demo town centre into an empty database").set_defaults(
        run=demo
    )
    admin_parser = commands.add_parser(
        "create-admin", help="create an administrator; password on standard input"
    )
    admin_parser.add_argument("--email", required=True)
    admin_parser.add_argument("--name", default="Administrator")
    admin_parser.set_defaults(run=create_admin)
    commands.add_parser("export-schema", help="print the GraphQL schema (SDL)").set_defaults(
        run=export_schema
    )
    commands.add_parser("purge", help="forget what the retention rules say is due").set_defaults(run=purge)
    audit_parser = commands.add_parser("audit", help="check the audit trail")
    audit_parser.add_argument("action", choices=["verify"], help="verify: check every entry's hash chain")
    audit_parser.set_defaults(run=audit)
    evidence_parser = commands.add_parser("evidence", help="check an evidence pack")
    evidence_parser.add_argument(
        "action",
        choices=["verify"],
        help="verify: every file against the manifest, the manifest against the audit trail",
    )
    evidence_parser.add_argument("pack", help="the pack's .zip file")
    evidence_parser.set_defaults(run=evidence)
    migrations_parser = commands.add_parser("makemigrations", help="write a migration for model changes")
    migrations_parser.add_argument("--name")
    migrations_parser.set_defaults(run=makemigrations)
    commands.add_parser("vapid-keys", help="print a new VAPID key pair for Web Push")
    return parser


def _served_at(args: argparse.Namespace) -> str | None:
    """The address `serve` listens on, as a browser on this machine would reach it."""
    if args.run is not serve:
        return None
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host  # noqa: S104 - compared, not bound
    return f"http://{f'[{host}]' if ':' in host else host}:{args.port}"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "vapid-keys":
        return vapid_keys()
    try:
        settings = load_settings(served_at=_served_at(args))
    except ImproperlyConfigured as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    result: int = args.run(settings, args)
    return result


if __name__ == "__main__":
    sys.exit(main())
