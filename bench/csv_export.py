"""The CSV export of a BID's incidents for a year holding 100 thousand of them: rows per second and
the server's peak memory.

Budget: the server process's peak RSS at most 150 MB (143 MiB) while it streams the export.

For each database (a fresh SQLite file; PostgreSQL, when it answers, as `shopwatch_bench_export`,
dropped and made again, dropped at the end): `shopwatch migrate`, `shopwatch demo`, then a country of
300 BIDs and 1M incidents in which the demo BID has 100k over the past year, 30% of them linked to
one of its 300 offenders (`measured_bid.py`), ANALYZE.

The demo BID manager logs in on a first server process, which is then stopped: logging in hashes
the password with argon2, whose memory would otherwise be the peak. A second, fresh process (the
real app, production settings, as the Procfile runs it) then serves
`GET /export/incidents.csv?bidId=&from=&to=` for the last 365 UK days with the manager's bearer
token, several times, each read to the end by one client on one keep-alive connection. While it
streams, a thread samples the server's VmRSS every 5 ms, and VmHWM (peak RSS since the process
started) is read before and after each export: the export's peak is the highest sample, or VmHWM
if the export raised it (starting the app already sets VmHWM above its resting RSS). Every export
must have a row per incident in the period (counted in SQL), under the app's header.

    .venv/bin/python bench/csv_export.py                  # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/csv_export.py --quick          # 20k rows in a 100k country, 2 exports
    .venv/bin/python bench/csv_export.py --rows 100000 --incidents 1000000 --exports 3

Figures go to standard output (with a markdown table) and bench/results/csv_export.json. Exit
status: 0 within budget, 3 over budget, 1 when the bench itself failed.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import measured_bid
from area_summary import bid_pk_of, incidents_in, last_year
from common import (
    RESULTS_DIR,
    BenchError,
    Connection,
    add_database_url_option,
    count_rows,
    database_kind,
    database_urls,
    free_port,
    fresh_database,
    graphql,
    http_request,
    log_in,
    process_memory_bytes,
    run_client,
    running_server,
    server_env,
    settings_of,
    write_results,
)

from shopwatch.summaries.export import HEADER
from shopwatch.summaries.periods import Period

RESULTS_FILE = RESULTS_DIR / "csv_export.json"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/shopwatch_bench_export"
PEAK_RSS_BUDGET_BYTES = 150_000_000
MIB = 1024 * 1024
SAMPLE_SECONDS = 0.005


class RssSampler:
    """A thread reading a process's VmRSS until stopped; the highest value seen."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, process_memory_bytes(self.pid)["rss"] or 0)
            time.sleep(SAMPLE_SECONDS)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Export:
    seconds: float
    bytes: int
    rows: int
    rss_before: int
    rss_peak_sampled: int
    peak_rss_before: int  # VmHWM: startup (importing, a dummy password hash) may have set it
    peak_rss_after: int

    @property
    def peak(self) -> int:
        """The export's peak RSS: the sampled one, or VmHWM if the export raised it."""
        raised = self.peak_rss_after > self.peak_rss_before
        return max(self.rss_peak_sampled, self.peak_rss_after if raised else 0)

    def summary(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 3),
            "rows": self.rows,
            "bytes": self.bytes,
            "rows_per_second": round(self.rows / self.seconds),
            "mib_per_second": round(self.bytes / MIB / self.seconds, 2),
            "rss_before_mib": round(self.rss_before / MIB, 1),
            "rss_peak_sampled_mib": round(self.rss_peak_sampled / MIB, 1),
            "rss_growth_mib": round((self.rss_peak_sampled - self.rss_before) / MIB, 1),
            "vmhwm_before_mib": round(self.peak_rss_before / MIB, 1),
            "vmhwm_after_mib": round(self.peak_rss_after / MIB, 1),
            "export_peak_rss_mib": round(self.peak / MIB, 1),
        }


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


async def export_once(port: int, pid: int, token: str, path: str) -> Export:
    request = http_request(port, "GET", path, token)
    memory_before = process_memory_bytes(pid)
    connection = await Connection.open(port)
    try:
        with RssSampler(pid) as sampler:
            started = time.perf_counter()
            status, body = await connection.exchange(request)
            seconds = time.perf_counter() - started
    finally:
        await connection.close()
    if status != 200:
        raise BenchError(f"the export answered {status}: {body[:400]!r}")
    rows = csv_rows(body)
    if not rows or rows[0] != list(HEADER):
        raise BenchError(f"the export's header is not the app's: {rows[:1]}")
    return Export(
        seconds=seconds,
        bytes=len(body),
        rows=len(rows) - 1,
        rss_before=memory_before["rss"] or 0,
        rss_peak_sampled=sampler.peak,
        peak_rss_before=memory_before["peak_rss"] or 0,
        peak_rss_after=process_memory_bytes(pid)["peak_rss"] or 0,
    )


async def export_all(port: int, pid: int, token: str, path: str, times: int) -> list[Export]:
    return [await export_once(port, pid, token, path) for _ in range(times)]


def export_path(bid_id: str, period: Period) -> str:
    query = urlencode({"bidId": bid_id, "from": period.first.isoformat(), "to": period.last.isoformat()})
    return f"/export/incidents.csv?{query}"


def bench_database(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    kind = database_kind(database_url)
    measured = measured_bid.MeasuredBid(per_year=args.rows, years=1, burst_shops=0, offenders=args.offenders)
    with fresh_database(database_url, keep=args.keep_database, prefix="shopwatch-export-") as database:
        load = measured_bid.build_country(database, args.incidents, args.bids, measured)
        print(f"  {args.incidents:,} incidents loaded in {load['load_seconds']} s", flush=True)
        period = last_year()
        expected = incidents_in(database.url, bid_pk_of(database.url), period)
        stored = {"incidents": count_rows(database.url, "incident"), "bid_incidents_in_period": expected}
        port = free_port()
        env = server_env(database.env, port)
        # Logging in (argon2) on a process of its own, so the measured one's peak is the export's.
        with running_server(env, port):
            token = log_in(port)
            bid_id = graphql(port, "{ bids { id } }", token=token)["bids"][0]["id"]
        with running_server(env, port) as server:
            started_rss = process_memory_bytes(server.pid)
            exports = run_client(
                export_all(port, server.pid, token, export_path(bid_id, period), args.exports)
            )
    wrong = [export.rows for export in exports if export.rows != expected]
    if wrong:
        raise BenchError(f"exports had {wrong} rows, not the {expected:,} incidents in the period")
    return verdict(kind, stored, load, period, started_rss, exports)


def verdict(
    kind: str,
    stored: dict[str, int],
    load: dict[str, float],
    period: Period,
    started_rss: dict[str, int | None],
    exports: list[Export],
) -> dict[str, Any]:
    peak = max(export.peak for export in exports)
    over = []
    if peak > PEAK_RSS_BUDGET_BYTES:
        over.append(f"peak RSS {peak / MIB:.0f} MiB > {PEAK_RSS_BUDGET_BYTES / MIB:.0f} MiB (150 MB)")
    return {
        "database": kind,
        "stored": stored,
        **load,
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
        "server_rss_at_start_mib": round((started_rss["rss"] or 0) / MIB, 1),
        "server_vmhwm_at_start_mib": round((started_rss["peak_rss"] or 0) / MIB, 1),
        "exports": [export.summary() for export in exports],
        "median_rows_per_second": round(statistics.median(e.rows / e.seconds for e in exports)),
        "median_seconds": round(statistics.median(e.seconds for e in exports), 3),
        "export_peak_rss_mib": round(peak / MIB, 1),
        "budget": {"peak_rss_bytes": PEAK_RSS_BUDGET_BYTES},
        "verdict": "OVER" if over else "PASS",
        "over_budget": over,
    }


# --- reporting -----------------------------------------------------------------------------------


def markdown(runs: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"CSV export of the last 365 days, {args.exports} exports one after the other on a fresh server"
        " process (production settings), each read to the end by one client.",
        "",
        "| database | rows | MiB | median s | rows/s | RSS before export MiB | peak RSS while exporting MiB "
        "| VmHWM at start / after MiB | budget ≤ 150 MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        first, last = run["exports"][0], run["exports"][-1]
        why = f" ({'; '.join(run['over_budget'])})" if run["over_budget"] else ""
        lines.append(
            f"| {run['database']} | {first['rows']:,} | {first['bytes'] / MIB:.1f} "
            f"| {run['median_seconds']:.2f} | {run['median_rows_per_second']:,} "
            f"| {first['rss_before_mib']:.0f} | {run['export_peak_rss_mib']:.0f} "
            f"| {run['server_vmhwm_at_start_mib']:.0f} / {last['vmhwm_after_mib']:.0f} "
            f"| {run['verdict']}{why} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_database_url_option(parser, DEFAULT_POSTGRES_URL)
    parser.add_argument("--rows", type=int, default=100_000, help="the BID's incidents in the past year")
    parser.add_argument("--incidents", type=int, default=1_000_000, help="incidents stored in all")
    parser.add_argument("--bids", type=int, default=300, help="BIDs in all (10-50 shops each)")
    parser.add_argument("--offenders", type=int, default=300, help="the BID's offenders")
    parser.add_argument("--exports", type=int, default=3, help="exports, one after the other")
    parser.add_argument("--quick", action="store_true", help="20k rows in a 100k country, 2 exports")
    parser.add_argument("--keep-database", action="store_true", help="leave the PostgreSQL database behind")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="JSON results file")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.incidents = min(args.rows, 20_000), min(args.incidents, 100_000)
        args.exports = min(args.exports, 2)

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
        for export in run["exports"]:
            print(
                f"  {export['rows']:,} rows, {export['bytes'] / MIB:.1f} MiB in {export['seconds']:.2f} s:"
                f" {export['rows_per_second']:,} rows/s; RSS {export['rss_before_mib']:.0f} ->"
                f" {export['rss_peak_sampled_mib']:.0f} MiB, VmHWM {export['vmhwm_before_mib']:.0f} ->"
                f" {export['vmhwm_after_mib']:.0f} MiB",
                flush=True,
            )
        print(f"  {run['verdict']} {'; '.join(run['over_budget'])}", flush=True)

    print()
    print(markdown(runs, args))
    settings = settings_of(args)
    del settings["output"]
    write_results(args.output, "csv_export", settings, runs)
    return 0 if all(run["verdict"] == "PASS" for run in runs) else 3


if __name__ == "__main__":
    sys.exit(main())
