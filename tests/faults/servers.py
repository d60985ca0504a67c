"""Real `shopwatch serve` processes on free ports of 127.0.0.1, started, killed and restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

SHOPWATCH = str(Path(sys.executable).with_name("shopwatch"))
STARTUP_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(var_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PUBLIC_URL", "SMTP_URL")}
    env.update(
        DATABASE_URL=database_url,
        SHOPWATCH_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        SHOPWATCH_ENV="development",
        **extra,
    )
    return env


def run_command(args: list[str], env: dict[str, str]) -> str:
    """Run a `shopwatch` command to completion; its output."""
    result = subprocess.run(  # noqa: S603 - our own console script
        [SHOPWATCH, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class Server:
    """One `shopwatch serve` process; its output goes to a log file, read when a test fails."""

    def __init__(self, env: dict[str, str], log_path: Path, *extra_args: str) -> None:
        self.env = env
        self.log_path = log_path
        self.extra_args = extra_args
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log_path.open("ab") as log:
            return subprocess.Popen(  # noqa: S603 - our own console script
                [SHOPWATCH, "serve", "--port", str(self.port), *self.extra_args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def start(self) -> None:
        """Start on the same port as before (a restart keeps the address clients use) and wait
        until it answers `/healthz` with 200."""
        self.process = self._spawn()
        deadline = time.monotonic() + STARTUP_SECONDS
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2) as client:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, self.log()
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"the server did not start:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, as when the machine loses power or the OOM killer strikes."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
