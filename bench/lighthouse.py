"""Lighthouse 12 (npm, `bench/lighthouse/package.json`) against Debian's Chromium on the app's key
screens: the login, report, dashboard, gallery and offender pages, logged in where they need it.

`make lighthouse` installs Lighthouse and runs this. A fresh SQLite database with the demo town,
one server process with production settings (as `bench/common.py` runs it), a session per demo
account (its cookie sent with every request Lighthouse makes), and for each page `--runs` Lighthouse
runs with its default mobile settings (a mid-range phone, simulated slow 4G, 4x CPU slowdown); the
median score of each category is reported. Exits 3 when a score is under the budget (95), 1 when
the run itself failed; writes bench/results/lighthouse.json.

    .venv/bin/python bench/lighthouse.py [--runs 3] [--keep-reports DIR] [--pages gallery,offender]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from common import (
    LOGIN_MUTATION,
    MANAGER_EMAIL,
    RESULTS_DIR,
    STAFF_EMAIL,
    BenchError,
    code_version,
    free_port,
    fresh_database,
    graphql,
    machine,
    running_server,
    server_env,
)

from shopwatch.places.demo import DEMO_PASSWORD

LIGHTHOUSE = Path(__file__).resolve().parent / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
)
CATEGORIES = ("performance", "accessibility", "best-practices")
BUDGET = 95
SESSION_COOKIE = "shopwatch_session"


def session_cookie(port: int, email: str) -> str:
    """A logged-in session's cookie, as the browser holds it after the login form: `name=token`."""
    response = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": LOGIN_MUTATION, "variables": {"email": email, "password": DEMO_PASSWORD}},
        timeout=30,
    )
    response.raise_for_status()
    token = response.cookies.get(SESSION_COOKIE)
    if not token:
        raise BenchError(f"login as {email} set no session cookie: {response.text}")
    return f"{SESSION_COOKIE}={token}"


def busiest_offender(port: int, cookie: str) -> str:
    """The id of the demo gallery's offender with the most incidents: the fullest offender page."""
    token = cookie.split("=", 1)[1]  # the session's token, sent here as a script sends it
    bid = graphql(port, "{ bids { id } }", token=token)["bids"][0]["id"]
    offenders = graphql(
        port,
        "query($b: ID!) { offenders(bidId: $b, first: 100) { edges { node { id incidentCount } } } }",
        {"b": bid},
        token=token,
    )["offenders"]["edges"]
    return str(max(offenders, key=lambda edge: edge["node"]["incidentCount"])["node"]["id"])


def lighthouse(url: str, cookie: str | None, report: Path) -> dict[str, float]:
    """One Lighthouse run: each category's score out of 100."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={report}",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
    result = json.loads(report.read_text())
    if result.get("runtimeError"):
        raise BenchError(f"{url}: {result['runtimeError']}")
    return {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}


def short_of_full_marks(report: Path) -> list[str]:
    """The audits that cost points in a report, for reading when a score drops."""
    result = json.loads(report.read_text())
    lines = []
    for name in CATEGORIES:
        for ref in result["categories"][name]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                lines.append(f"  {name}: {ref['id']} {audit['score']} {audit.get('displayValue', '')}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median reported)")
    parser.add_argument("--keep-reports", type=Path, help="keep every JSON report in this directory")
    parser.add_argument(
        "--pages", help="only these pages, comma-separated (login,report,dashboard,gallery,offender)"
    )
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: `make lighthouse` installs it")

    pages: list[dict[str, Any]] = []
    with fresh_database("", prefix="shopwatch-lighthouse-") as database:
        port = free_port()
        with running_server(server_env(database.env, port), port):
            base = f"http://127.0.0.1:{port}"
            staff, manager = session_cookie(port, STAFF_EMAIL), session_cookie(port, MANAGER_EMAIL)
            screens = [
                ("login", "/#/login", None),
                ("report", "/#/report", staff),
                ("dashboard", "/#/dashboard", manager),
                ("gallery", "/#/gallery", manager),
                ("offender", f"/#/gallery/{busiest_offender(port, manager)}", manager),
            ]
            reports = args.keep_reports or Path(tempfile.mkdtemp(prefix="shopwatch-lighthouse-reports-"))
            reports.mkdir(parents=True, exist_ok=True)
            wanted = set(args.pages.split(",")) if args.pages else {name for name, _, _ in screens}
            for name, path, cookie in [screen for screen in screens if screen[0] in wanted]:
                runs = []
                for run in range(args.runs):
                    report = reports / f"{name}-{run + 1}.json"
                    runs.append(lighthouse(base + path, cookie, report))
                scores = {c: statistics.median(r[c] for r in runs) for c in CATEGORIES}
                pages.append({"page": name, "path": path, "scores": scores, "runs": runs})
                print(f"{name:10} " + "  ".join(f"{c} {scores[c]:g}" for c in CATEGORIES), flush=True)
                if min(scores.values()) < BUDGET:
                    print("\n".join(short_of_full_marks(reports / f"{name}-1.json")), flush=True)

    print("\n| page | performance | accessibility | best practices |\n|---|---|---|---|")
    for page in pages:
        print(f"| {page['page']} | " + " | ".join(f"{page['scores'][c]:g}" for c in CATEGORIES) + " |")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "lighthouse.json").write_text(
        json.dumps({"pages": pages, "budget": BUDGET, "machine": machine(), "code": code_version()}, indent=2)
    )
    if any(score < BUDGET for page in pages for score in page["scores"].values()):
        print(f"over budget: a score under {BUDGET}", file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    try:
        main()
    except (BenchError, subprocess.CalledProcessError) as error:
        print(f"lighthouse failed: {error}", file=sys.stderr)
        sys.exit(1)
