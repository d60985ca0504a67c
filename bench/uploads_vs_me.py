"""The `me` query's latency while 20 clients upload 12 MP photos to the same server process.

Budget: p95 of an authenticated `me` query at most 100 ms while the uploads run.

For each database (a fresh SQLite file; PostgreSQL too when it answers): `shopwatch migrate`,
`shopwatch demo`, one uvicorn process (the real app, production settings, as the Procfile runs it).
Then, in this order:

1. baseline: the `me` client alone for D seconds;
2. uploads: 20 upload clients start, each sending `reportIncident` with one photo (a new incident,
   so the 6-photos-per-incident limit never applies) as the GraphQL multipart request spec has it
   (`operations`, `map` and the file; `Authorization: Bearer`, so no CSRF header), one after another
   on its own keep-alive connection; once every client has had an answer, the `me` client runs for
   D seconds again.

The photo is a 4032x3024 JPEG with a phone photo's detail (noise over gradients, ~3-5 MB; made by
`photo_pipeline.detailed_photo`). Every upload carries a different JPEG comment, so every file has a
different SHA-256 and none is short-cut as a duplicate, while every upload costs the server the
same decoding. Every answer must be a ReportIncidentSuccess with duplicate false, no photoErrors and
one photo.

The `me` client (the demo BID manager, `{ me { id email name memberships { role bid { id name } } } }`)
and the upload clients are separate processes from the server and from each other, each on its own
event loop and connections. The `me` client sends a request every 50 ms (20 a second) and times each
from sending to the last byte of the answer. Measured: `me` p50/p95/p99 with and without uploads,
photos stored per second while `me` was measured, upload latency, the server's CPU use and its peak
RSS (VmHWM from /proc). Caveat: with 2 CPUs the server, the upload clients and the `me` client share
the cores, so part of `me`'s latency under load can be the client waiting for a CPU, not the server.

    .venv/bin/python bench/uploads_vs_me.py                      # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/uploads_vs_me.py --quick              # 10 s phases
    .venv/bin/python bench/uploads_vs_me.py --uploaders 20 --duration 60 --database-url ''

Figures go to standard output (with a markdown table) and bench/results/uploads_vs_me.json. Exit
status: 0 within budget, 3 over budget, 1 when the bench itself failed.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import (
    MANAGER_EMAIL,
    RESULTS_DIR,
    STAFF_EMAIL,
    BenchError,
    Connection,
    answer_of,
    child,
    child_until_told,
    cores_busy,
    count_rows,
    database_kind,
    database_urls,
    free_port,
    fresh_database,
    log_in,
    me_figures,
    me_main,
    percentile_ms,
    process_memory_bytes,
    read_line,
    run_client,
    running_server,
    server_env,
    settings_of,
    staff_shop_id,
    stop_child,
    write_results,
)

RESULTS_FILE = RESULTS_DIR / "uploads_vs_me.json"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/shopwatch_bench_uploads"
BUDGET_P95_MS = 100.0
REPORT_MUTATION = (
    "mutation Report($input: ReportIncidentInput!) { reportIncident(input: $input) { __typename"
    " ... on ReportIncidentSuccess { duplicate photoErrors { field message }"
    " incident { id photos { id sha256 width height } } }"
    " ... on ValidationError { field message } ... on PermissionDenied { message }"
    " ... on NotFound { message } } }"
)
BOUNDARY = "----shopwatch-bench-" + uuid.uuid4().hex
THIS = Path(__file__).resolve()


# --- the photo ---------------------------------------------------------------------------------


def make_photo(path: Path) -> int:
    """A 12 MP phone-like JPEG at `path`; its size in bytes."""
    from photo_pipeline import SIZE, detailed_photo  # Pillow work, only where a photo is made

    buffer = io.BytesIO()
    detailed_photo(SIZE).save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def split_for_comment(jpeg: bytes) -> tuple[bytes, bytes]:
    """The JPEG cut where a comment segment may go: after SOI and, when there is one, the JFIF APP0."""
    if jpeg[:2] != b"\xff\xd8":
        raise BenchError("not a JPEG")
    cut = 2
    if jpeg[2:4] == b"\xff\xe0":
        cut = 4 + int.from_bytes(jpeg[4:6], "big")
    return jpeg[:cut], jpeg[cut:]


def comment_segment(text: str) -> bytes:
    payload = text.encode()
    return b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload


# --- the upload clients (a child process) ------------------------------------------------------


class Uploader:
    def __init__(self, port: int, token: str, shop_id: str, photo: bytes) -> None:
        self.port = port
        self.token = token
        self.shop_id = shop_id
        self.head, self.tail = split_for_comment(photo)
        self.sent = 0
        self.finished: list[tuple[int, int]] = []  # (monotonic ns at the answer, latency ns)

    def request(self) -> list[bytes]:
        """One multipart reportIncident request with a photo no upload has sent before, in parts
        (so the 4 MB of photo are never copied)."""
        self.sent += 1
        occurred = datetime.now(UTC) - timedelta(minutes=5)
        operations = {
            "query": REPORT_MUTATION,
            "variables": {
                "input": {
                    "clientId": str(uuid.uuid4()),
                    "shopId": self.shop_id,
                    "kind": "THEFT",
                    "occurredAt": occurred.isoformat(timespec="seconds"),
                    "description": "Photographed leaving with a basket of spirits.",
                    "photos": [None],
                }
            },
        }
        comment = comment_segment(f"shopwatch bench upload {self.sent} {uuid.uuid4()}")
        fields = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
            f"{json.dumps(operations)}\r\n"
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'
            '{"0": ["variables.input.photos.0"]}\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="0"; filename="IMG_{self.sent:04d}.jpg"'
            "\r\nContent-Type: image/jpeg\r\n\r\n"
        ).encode()
        closing = f"\r\n--{BOUNDARY}--\r\n".encode()
        length = len(fields) + len(self.head) + len(comment) + len(self.tail) + len(closing)
        http_head = (
            f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Authorization: Bearer {self.token}\r\nAccept: application/json\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\n\r\n"
        ).encode()
        return [http_head, fields, self.head, comment, self.tail, closing]

    @staticmethod
    def check(status: int, body: bytes) -> None:
        answer = json.loads(body)
        result = (answer.get("data") or {}).get("reportIncident") or {}
        photos = (result.get("incident") or {}).get("photos") or []
        if (
            status != 200
            or result.get("__typename") != "ReportIncidentSuccess"
            or result.get("duplicate") is not False
            or result.get("photoErrors")
            or len(photos) != 1
        ):
            raise BenchError(f"the upload answered {status}: {body[:500]!r}")

    async def client(self, stop: asyncio.Event, ready: asyncio.Event, waiting: list[int]) -> None:
        connection = await Connection.open(self.port)
        first = True
        try:
            while not stop.is_set():
                started = time.monotonic_ns()
                status, body = await connection.exchange(self.request())
                ended = time.monotonic_ns()
                self.check(status, body)
                self.finished.append((ended, ended - started))
                if first:
                    first = False
                    waiting[0] -= 1
                    if waiting[0] == 0:
                        ready.set()
        finally:
            await connection.close()

    async def run(self, clients: int) -> dict[str, Any]:
        """Upload on `clients` connections until a line arrives on stdin; then finish the uploads
        under way and answer with what happened."""
        stop, ready = asyncio.Event(), asyncio.Event()
        waiting = [clients]
        tasks = [asyncio.create_task(self.client(stop, ready, waiting)) for _ in range(clients)]
        started = time.monotonic_ns()
        told = asyncio.create_task(asyncio.to_thread(sys.stdin.readline))
        await asyncio.wait(
            [told, asyncio.create_task(ready.wait()), *tasks], return_when=asyncio.FIRST_COMPLETED
        )
        for task in tasks:
            if task.done() and (error := task.exception()) is not None:
                raise error
        print(json.dumps({"ready": time.monotonic_ns()}), flush=True)
        await told
        stop.set()
        await asyncio.gather(*tasks)
        return {"started_ns": started, "finished": self.finished}


def uploader_main(args: argparse.Namespace) -> None:
    photo = Path(args.photo).read_bytes()
    result = run_client(Uploader(args.port, args.token, args.shop_id, photo).run(args.uploaders))
    print(json.dumps(result), flush=True)


# --- one database ------------------------------------------------------------------------------


def bench_database(database_url: str, photo: Path, args: argparse.Namespace) -> dict[str, Any]:
    kind = database_kind(database_url)
    me_options = [f"--duration={args.duration}", f"--interval-ms={args.interval_ms}"]
    with fresh_database(database_url, keep=args.keep_database, prefix="shopwatch-uploads-") as database:
        port = free_port()
        with running_server(server_env(database.env, port), port) as server:
            staff_token = log_in(port, STAFF_EMAIL)
            manager_token = log_in(port, MANAGER_EMAIL)
            shop_id = staff_shop_id(port, staff_token)
            # "--token=..." because a token may start with "-", which argparse would take for an option.
            me_client = [f"--port={port}", f"--token={manager_token}"]
            memory_start = process_memory_bytes(server.pid)
            baseline = answer_of(child(THIS, "me", *me_client, *me_options), timeout=args.duration + 60)
            memory_before = process_memory_bytes(server.pid)
            uploader = [f"--port={port}", f"--token={staff_token}", f"--shop-id={shop_id}"]
            uploader += [f"--photo={photo}", f"--uploaders={args.uploaders}"]
            with child_until_told(THIS, "uploader", *uploader) as uploads:
                read_line(uploads.stdout, timeout=120)  # every upload client has had an answer
                # Over the wall time of the block (the `me` process's start-up included).
                with cores_busy(server.pid) as cores:
                    loaded = answer_of(child(THIS, "me", *me_client, *me_options), timeout=args.duration + 60)
                uploaded = stop_child(uploads, timeout=300)
            memory_after = process_memory_bytes(server.pid)
        photos_stored = count_rows(database.url, "photo")
    window = (loaded["started_ns"], loaded["ended_ns"])
    during = [latency for ended, latency in uploaded["finished"] if window[0] <= ended <= window[1]]
    window_s = (window[1] - window[0]) / 1e9
    me_loaded = me_figures(loaded)
    return {
        "database": kind,
        "me_baseline": me_figures(baseline),
        "me_during_uploads": me_loaded,
        "uploads": {
            "clients": args.uploaders,
            "photo_bytes": photo.stat().st_size,
            "photos_uploaded": len(uploaded["finished"]),
            "photos_stored": photos_stored,
            "photos_while_me_measured": len(during),
            "photos_per_second": round(len(during) / window_s, 2),
            "megabytes_per_second": round(len(during) * photo.stat().st_size / window_s / 1e6, 1),
            "latency_p50_ms": round(percentile_ms(during, 50), 1) if during else None,
            "latency_p95_ms": round(percentile_ms(during, 95), 1) if during else None,
        },
        "server": {
            "cpu_cores_busy_during_uploads": cores.server,
            # Everything on the machine: the server, both clients, PostgreSQL and any other work.
            "machine_cpu_cores_busy_during_uploads": None
            if cores.machine is None
            else round(cores.machine, 2),
            "rss_at_start_bytes": memory_start["rss"],
            "peak_rss_before_uploads_bytes": memory_before["peak_rss"],
            "peak_rss_bytes": memory_after["peak_rss"],
            "rss_after_uploads_bytes": memory_after["rss"],
        },
        "budget_p95_ms": BUDGET_P95_MS,
        "verdict": "PASS" if me_loaded["p95_ms"] <= BUDGET_P95_MS else "OVER",
    }


# --- reporting ---------------------------------------------------------------------------------


def mib(value: int | None) -> str:
    return "" if value is None else f"{value / 2**20:.0f}"


def markdown(runs: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"`me` every {args.interval_ms} ms for {args.duration} s alone, then for {args.duration} s while "
        f"{args.uploaders} clients upload 12 MP JPEGs (reportIncident with one photo each); one uvicorn "
        "process, production settings; server, upload clients and `me` client are separate processes on "
        "the same 2 CPUs (client-side CPU contention can add to `me`'s latency under load).",
        "",
        "| database | `me` p50 ms alone | p95 alone | p50 during uploads | p95 during uploads "
        "| p99 during uploads | photos/s | upload p50 s | server CPU cores | machine CPU cores "
        "| server peak RSS MiB "
        f"| budget p95 ≤ {BUDGET_P95_MS:.0f} ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        alone, loaded, uploads = run["me_baseline"], run["me_during_uploads"], run["uploads"]
        upload_p50 = uploads["latency_p50_ms"]
        cores = run["server"]["cpu_cores_busy_during_uploads"]
        machine = run["server"]["machine_cpu_cores_busy_during_uploads"]
        lines.append(
            f"| {run['database']} | {alone['p50_ms']:.1f} | {alone['p95_ms']:.1f} | {loaded['p50_ms']:.1f} "
            f"| {loaded['p95_ms']:.1f} | {loaded['p99_ms']:.1f} | {uploads['photos_per_second']:.1f} "
            f"| {'' if upload_p50 is None else f'{upload_p50 / 1000:.2f}'} "
            f"| {'' if cores is None else f'{cores:.2f}'} | {'' if machine is None else f'{machine:.2f}'} "
            f"| {mib(run['server']['peak_rss_bytes'])} "
            f"| {run['verdict']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--database-url",
        action="append",
        help="'' for a fresh SQLite file, or postgres://... (repeatable; a PostgreSQL database is dropped "
        f"and made again). Default: SQLite, and {DEFAULT_POSTGRES_URL} if it answers.",
    )
    parser.add_argument("--uploaders", type=int, default=20, help="concurrent upload clients")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds `me` is measured, per phase")
    parser.add_argument("--interval-ms", type=float, default=50.0, help="between two `me` requests")
    parser.add_argument("--quick", action="store_true", help="10 s phases")
    parser.add_argument("--keep-database", action="store_true", help="leave the PostgreSQL database behind")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="JSON results file")
    # The child processes.
    parser.add_argument("--role", choices=["uploader", "me"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--shop-id", help=argparse.SUPPRESS)
    parser.add_argument("--photo", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "uploader":
        uploader_main(args)
        return 0
    if args.role == "me":
        me_main(args)
        return 0
    if args.quick:
        args.duration = min(args.duration, 10.0)

    runs = []
    urls = database_urls(args.database_url, DEFAULT_POSTGRES_URL)
    with tempfile.TemporaryDirectory(prefix="shopwatch-photo-") as scratch:
        photo = Path(scratch) / "photo.jpg"
        size = make_photo(photo)
        print(f"A {size / 1e6:.1f} MB 4032x3024 JPEG made.", flush=True)
        for url in urls:
            name = database_kind(url)
            print(f"Benchmarking on {name} ...", flush=True)
            try:
                run = bench_database(url, photo, args)
            except (BenchError, subprocess.TimeoutExpired) as error:
                print(f"bench failed on {name}: {error}", file=sys.stderr)
                return 1
            runs.append(run)
            alone, loaded, uploads = run["me_baseline"], run["me_during_uploads"], run["uploads"]
            print(
                f"  me alone: p50 {alone['p50_ms']:.1f} ms, p95 {alone['p95_ms']:.1f} ms; during uploads:"
                f" p50 {loaded['p50_ms']:.1f} ms, p95 {loaded['p95_ms']:.1f} ms;"
                f" {uploads['photos_per_second']:.1f} photos/s;"
                f" server peak RSS {mib(run['server']['peak_rss_bytes'])} MiB: {run['verdict']}",
                flush=True,
            )

    print()
    print(markdown(runs, args))
    settings = settings_of(args)
    for key in ("output", "role", "port", "token", "shop_id", "photo"):
        del settings[key]
    write_results(args.output, "uploads_vs_me", settings, runs)
    return 0 if all(run["verdict"] == "PASS" for run in runs) else 3


if __name__ == "__main__":
    sys.exit(main())
