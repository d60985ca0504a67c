"""A private PostgreSQL 15 cluster for one test, in a temporary directory on a free port, that the
test may stop and start at will without disturbing anyone else's database.

As root, PostgreSQL's programs run as the `postgres` user (the server refuses to run as root),
which then owns the temporary directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.faults.servers import free_port

BIN = Path("/usr/lib/postgresql/15/bin")
SERVICE_USER = "postgres"


class PostgresCluster:
    def __init__(self) -> None:
        if not (BIN / "initdb").is_file():
            raise AssertionError(f"PostgreSQL 15 is needed for this test: no {BIN / 'initdb'}")
        # Not under pytest's tmp_path: its parents are private to root, and the server's user must
        # reach this directory.
        self.root = Path(tempfile.mkdtemp(prefix="shopwatch-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, SERVICE_USER)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str) -> None:
        command = [str(BIN / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVICE_USER, "--", *command]
        result = subprocess.run(  # noqa: S603 - fixed programs, arguments of our own
            command, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, f"{program}: {result.stdout}{result.stderr}{self.log()}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut and their transactions rolled back."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def log(self) -> str:
        path = self.root / "log"
        return path.read_text(errors="replace") if path.exists() else ""

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def running_cluster(database: str = "shopwatch") -> Iterator[PostgresCluster]:
    """A cluster started with one empty database, destroyed afterwards."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        cluster.create_database(database)
        yield cluster
    finally:
        cluster.destroy()
