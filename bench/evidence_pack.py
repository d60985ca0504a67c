"""An evidence pack for an incident with six 12 MP photos and a two-page statement: wall time and
the server's peak RSS over idle while it streams, against reading and zipping the same files with
`zipfile` alone.

Budget: the server's peak RSS while streaming at most 100 MB (95.4 MiB) over its idle RSS, and the
whole download under 2 s.

For each database (a fresh SQLite file; PostgreSQL, when it answers, as `shopwatch_bench_pack`,
dropped and made again, dropped at the end): `shopwatch migrate`, `shopwatch demo`, then, through
the app's own actions in a child process, one theft reported by the demo shop's staff with six
4032 x 3024 JPEGs (about 3.8 MB each, noise and shapes so they do not compress) and the staff
member's signed statement producing all six as exhibits, long enough for two MG11 pages; the
manager refers it and the police give a crime number.

The demo BID manager logs in on a first server process, which is then stopped (argon2's memory
would otherwise be the peak). A second, fresh process (the real app, production settings, as the
Procfile runs it) then serves `GET /export/evidence/<id>.zip` several times to one client on one
keep-alive connection, each read to the end. While it streams, a thread samples the server's VmRSS
every 5 ms; VmHWM is read before and after. Idle is the server's RSS before the first download;
each download's peak is the highest sample, or VmHWM if the download raised it. Every pack must
hold the six originals byte for byte (checked against the files in the media folder).

The baseline: the files of the downloaded pack, unpacked into a folder, read and written into a
ZIP (`ZIP_STORED`, as the pack stores photos) with `zipfile` alone, in this process, the same
number of times: what the bytes cost without a database, PDFs, hashing or HTTP.

    .venv/bin/python bench/evidence_pack.py                  # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/evidence_pack.py --downloads 5
    .venv/bin/python bench/evidence_pack.py --database-url sqlite:///tmp/pack.sqlite3

Figures go to standard output (with a markdown table) and bench/results/evidence_pack.json. Exit
status: 0 within budget, 3 over budget, 1 when the bench itself failed.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import random
import statistics
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import (
    RESULTS_DIR,
    BenchError,
    Connection,
    add_database_url_option,
    database_kind,
    database_urls,
    free_port,
    fresh_database,
    http_request,
    log_in,
    process_memory_bytes,
    run_client,
    running_server,
    server_env,
    settings_of,
    write_results,
)
from csv_export import RssSampler

RESULTS_FILE = RESULTS_DIR / "evidence_pack.json"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/shopwatch_bench_pack"
RSS_OVER_IDLE_BUDGET_BYTES = 100_000_000
SECONDS_BUDGET = 2.0
MIB = 1024 * 1024
PHOTOS = 6
PHOTO_SIZE = (4032, 3024)  # 12 MP, as a phone takes them


# --- the incident, made by the app's own actions in a child process ------------------------------


def twelve_megapixel_jpeg(seed: int) -> bytes:
    """Shapes under coarse and fine noise: compresses like a photo (3-4 MB at quality 92)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    width, height = PHOTO_SIZE
    base = Image.new("RGB", PHOTO_SIZE, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        box = (x, y, x + rng.randrange(200, 1500), y + rng.randrange(200, 1200))
        draw.rectangle(box, fill=tuple(rng.randrange(256) for _ in range(3)))
    coarse = Image.effect_noise((width // 4, height // 4), 60).resize(PHOTO_SIZE).convert("RGB")
    image = Image.blend(base, coarse, 0.35)
    image = Image.blend(image, Image.effect_noise(PHOTO_SIZE, 25).convert("RGB"), 0.15)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def signature_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 180), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(30, 120), (100, 40), (170, 140), (260, 60), (400, 120), (570, 70)], fill=(0, 0, 0, 255), width=5
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


STATEMENT_PARAGRAPH = (
    "At about 14:05 I was working on the tills nearest the main doors when I saw a man I did not know "
    "walk to the spirits aisle. He was about thirty, white, slim, about six feet tall, with a red cap, a "
    "grey hooded top and dark tracksuit bottoms. I watched him on the camera screen behind the till. He "
    "took two bottles of gin from the top shelf, looked both ways and put them inside his top. "
)


async def prepare(count: int) -> str:
    """Report, photograph, sign, refer: the incident the bench downloads. Prints its id."""
    import base64
    import uuid
    from datetime import timedelta

    from shopwatch.accounts.models import Membership, Role, User
    from shopwatch.actions.acting import acting_as
    from shopwatch.actions.evidence import record_witness_statement, refer_to_police, update_police_case
    from shopwatch.actions.incidents import report_incident
    from shopwatch.actions.photos import PhotoFile
    from shopwatch.core import db
    from shopwatch.core.clock import now
    from shopwatch.core.ids import encode_id
    from shopwatch.evidence.models import PoliceCaseState
    from shopwatch.evidence.statements import StatementInput
    from shopwatch.incidents.models import IncidentKind
    from shopwatch.incidents.services import IncidentReport
    from shopwatch.places.models import Shop
    from shopwatch.settings import load_settings

    settings = load_settings()
    await db.open_database(settings.database_url)
    try:
        staff_user = await User.get(email="staff@example.org")
        membership = await Membership.get(user_id=staff_user.id, role=Role.SHOP_STAFF)
        staff = await acting_as(staff_user, settings)
        manager = await acting_as(await User.get(email="manager@example.org"), settings)
        police = await acting_as(await User.get(email="pcso@example.org"), settings)
        photos = [PhotoFile.of_bytes(f"IMG_{n:04}.jpg", twelve_megapixel_jpeg(n)) for n in range(count)]
        report = IncidentReport(
            client_id=uuid.uuid4(),
            kind=IncidentKind.THEFT,
            occurred_at=now() - timedelta(hours=2),
            description="Two bottles of gin taken from the spirits aisle; left by the main doors.",
            injury=False,
            value_stolen_pence=5400,
        )
        reported = await report_incident(staff, await Shop.get(id=membership.shop_id), report, photos=photos)
        if reported.photo_errors:
            raise BenchError(f"photos refused: {reported.photo_errors}")
        incident = reported.incident
        signature = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
        text = "\n\n".join([STATEMENT_PARAGRAPH] * 9)
        await record_witness_statement(
            staff,
            incident,
            StatementInput("Mary Ann Smith", "Shop assistant", True, text, signature, "Mary Ann Smith"),
        )
        await refer_to_police(manager, incident, crime_reference=None, note="CCTV kept for 30 days.")
        await update_police_case(police, incident, PoliceCaseState.CRIME_NUMBER_ISSUED, None, "WM/1234/26")
        return encode_id("Incident", incident.id)
    finally:
        await db.close_database()


def prepared_incident(env: dict[str, str], count: int) -> str:
    result = subprocess.run(
        [sys.executable, __file__, "--prepare", str(count)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"preparing the incident failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Download:
    seconds: float
    first_byte_seconds: float  # the pack made (PDFs rendered, audit entry written) and its headers sent
    bytes: int
    rss_before: int
    rss_peak_sampled: int
    peak_rss_before: int
    peak_rss_after: int

    @property
    def peak(self) -> int:
        raised = self.peak_rss_after > self.peak_rss_before
        return max(self.rss_peak_sampled, self.peak_rss_after if raised else 0)


async def download_once(port: int, pid: int, token: str, path: str) -> tuple[Download, bytes]:
    request = http_request(port, "GET", path, token)
    memory_before = process_memory_bytes(pid)
    connection = await Connection.open(port)
    try:
        with RssSampler(pid) as sampler:
            started = time.perf_counter()
            connection.writer.write(request)
            head = await connection.reader.readuntil(b"\r\n\r\n")
            first_byte = time.perf_counter() - started
            status = int(head[9:12])
            if b"transfer-encoding: chunked" not in head.lower():
                raise BenchError(f"the pack was not streamed: {head!r}")
            body = await connection._chunked_body()
            seconds = time.perf_counter() - started
    finally:
        await connection.close()
    if status != 200:
        raise BenchError(f"the pack answered {status}: {body[:400]!r}")
    download = Download(
        seconds=seconds,
        first_byte_seconds=first_byte,
        bytes=len(body),
        rss_before=memory_before["rss"] or 0,
        rss_peak_sampled=sampler.peak,
        peak_rss_before=memory_before["peak_rss"] or 0,
        peak_rss_after=process_memory_bytes(pid)["peak_rss"] or 0,
    )
    return download, body


async def download_all(
    port: int, pid: int, token: str, path: str, times: int
) -> list[tuple[Download, bytes]]:
    return [await download_once(port, pid, token, path) for _ in range(times)]


def check_pack(body: bytes, media: Path) -> dict[str, Any]:
    """The pack holds the six originals byte for byte, and a two-page statement."""
    from pypdf import PdfReader

    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = archive.namelist()
        exhibits = [name for name in names if "/exhibits/" in name]
        originals = {path.name for path in (media / "originals").rglob("*") if path.is_file()}
        for name in exhibits:
            data = archive.read(name)
            if hashlib.sha256(data).hexdigest() not in originals:
                raise BenchError(f"{name} is not an original byte for byte")
        statements = [name for name in names if "/statements/" in name]
        pages = [len(PdfReader(io.BytesIO(archive.read(name))).pages) for name in statements]
    if len(exhibits) != PHOTOS or pages != [2]:
        raise BenchError(f"the pack holds {len(exhibits)} exhibits and statements of {pages} pages")
    return {"files": len(names), "exhibits": len(exhibits), "statement_pages": pages[0]}


def zipfile_alone(body: bytes, scratch: Path, times: int) -> list[float]:
    """Reading the pack's files from disk and zipping them with `zipfile`, nothing else."""
    folder = scratch / "unpacked"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        archive.extractall(folder)
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        with zipfile.ZipFile(scratch / "baseline.zip", "w", zipfile.ZIP_STORED) as out:
            for path in files:
                out.write(path, path.relative_to(folder).as_posix())
        seconds.append(time.perf_counter() - started)
        (scratch / "baseline.zip").unlink()
    return seconds


def bench_database(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    kind = database_kind(database_url)
    with fresh_database(database_url, keep=args.keep_database, prefix="shopwatch-pack-") as database:
        started = time.perf_counter()
        incident_id = prepared_incident(database.env, PHOTOS)
        print(
            f"  incident with {PHOTOS} photos and a statement made in {time.perf_counter() - started:.1f} s"
        )
        port = free_port()
        env = server_env(database.env, port)
        with running_server(env, port):
            token = log_in(port)
        path = f"/export/evidence/{incident_id}.zip"
        with running_server(env, port) as server:
            idle = process_memory_bytes(server.pid)
            results = run_client(download_all(port, server.pid, token, path, args.downloads))
        downloads = [download for download, _ in results]
        body = results[-1][1]
        contents = check_pack(body, Path(database.env["MEDIA_ROOT"]))
        baseline = zipfile_alone(body, database.scratch, args.downloads)
    return verdict(kind, idle, downloads, baseline, contents)


def verdict(
    kind: str,
    idle: dict[str, int | None],
    downloads: list[Download],
    baseline: list[float],
    contents: dict[str, Any],
) -> dict[str, Any]:
    idle_rss = idle["rss"] or 0
    over_idle = max(download.peak for download in downloads) - idle_rss
    slowest = max(download.seconds for download in downloads)
    median = statistics.median(download.seconds for download in downloads)
    baseline_median = statistics.median(baseline)
    over = []
    if over_idle > RSS_OVER_IDLE_BUDGET_BYTES:
        over.append(f"peak RSS {over_idle / MIB:.0f} MiB over idle > 95 MiB (100 MB)")
    if slowest >= SECONDS_BUDGET:
        over.append(f"slowest download {slowest:.2f} s >= {SECONDS_BUDGET} s")
    return {
        "database": kind,
        "pack": {**contents, "bytes": downloads[0].bytes},
        "server_idle_rss_mib": round(idle_rss / MIB, 1),
        "server_idle_vmhwm_mib": round((idle["peak_rss"] or 0) / MIB, 1),
        "downloads": [
            {
                "seconds": round(download.seconds, 3),
                "first_byte_seconds": round(download.first_byte_seconds, 3),
                "mib_per_second": round(download.bytes / MIB / download.seconds, 1),
                "rss_before_mib": round(download.rss_before / MIB, 1),
                "peak_rss_mib": round(download.peak / MIB, 1),
                "peak_over_idle_mib": round((download.peak - idle_rss) / MIB, 1),
            }
            for download in downloads
        ],
        "median_seconds": round(median, 3),
        "median_first_byte_seconds": round(statistics.median(d.first_byte_seconds for d in downloads), 3),
        "slowest_seconds": round(slowest, 3),
        "peak_over_idle_mib": round(over_idle / MIB, 1),
        "zipfile_alone_seconds": [round(seconds, 3) for seconds in baseline],
        "zipfile_alone_median_seconds": round(baseline_median, 3),
        "pack_over_zipfile_alone": round(median / baseline_median, 1),
        "budget": {"rss_over_idle_bytes": RSS_OVER_IDLE_BUDGET_BYTES, "seconds": SECONDS_BUDGET},
        "verdict": "OVER" if over else "PASS",
        "over_budget": over,
    }


def markdown(runs: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"Evidence pack of one incident ({PHOTOS} photos of 12 MP, a two-page MG11),"
        f" {args.downloads} downloads one after the other on a fresh server process (production"
        " settings), each read to the end.",
        "",
        "| database | pack MiB | files | median s (first byte) | slowest s | `zipfile` alone median s "
        "| idle RSS MiB | peak RSS over idle MiB | budget ≤ 100 MB over idle, < 2 s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        why = f" ({'; '.join(run['over_budget'])})" if run["over_budget"] else ""
        lines.append(
            f"| {run['database']} | {run['pack']['bytes'] / MIB:.1f} | {run['pack']['files']} "
            f"| {run['median_seconds']:.2f} ({run['median_first_byte_seconds']:.2f}) "
            f"| {run['slowest_seconds']:.2f} "
            f"| {run['zipfile_alone_median_seconds']:.3f} "
            f"| {run['server_idle_rss_mib']:.0f} | {run['peak_over_idle_mib']:.0f} | {run['verdict']}{why} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_database_url_option(parser, DEFAULT_POSTGRES_URL)
    parser.add_argument("--downloads", type=int, default=5, help="downloads, one after the other")
    parser.add_argument("--quick", action="store_true", help="2 downloads")
    parser.add_argument("--keep-database", action="store_true", help="leave the PostgreSQL database behind")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="JSON results file")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)  # the child that makes the incident
    args = parser.parse_args(argv)
    if args.quick:
        args.downloads = min(args.downloads, 2)
    if args.prepare is not None:
        print(asyncio.run(prepare(args.prepare)))
        return 0

    runs = []
    for url in database_urls(args.database_url, DEFAULT_POSTGRES_URL):
        name = database_kind(url)
        print(f"Benchmarking on {name} ...", flush=True)
        try:
            run = bench_database(url, args)
        except BenchError as error:
            print(f"bench failed on {name}: {error}", file=sys.stderr)
            return 1
        runs.append(run)
        for download in run["downloads"]:
            print(
                f"  {run['pack']['bytes'] / MIB:.1f} MiB in {download['seconds']:.2f} s"
                f" (first byte after {download['first_byte_seconds']:.2f} s);"
                f" RSS {download['rss_before_mib']:.0f} -> peak {download['peak_rss_mib']:.0f} MiB"
                f" ({download['peak_over_idle_mib']:.0f} over idle)",
                flush=True,
            )
        print(f"  zipfile alone: {run['zipfile_alone_seconds']} s", flush=True)
        print(f"  {run['verdict']} {'; '.join(run['over_budget'])}", flush=True)

    print()
    print(markdown(runs, args))
    settings = settings_of(args)
    del settings["output"], settings["prepare"]
    write_results(args.output, "evidence_pack", settings, runs)
    return 0 if all(run["verdict"] == "PASS" for run in runs) else 3


if __name__ == "__main__":
    sys.exit(main())
