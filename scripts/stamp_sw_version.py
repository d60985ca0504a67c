"""Writes the app shell's content hash into frontend/sw.js as its cache VERSION.

Run `python scripts/stamp_sw_version.py` after changing any file of the shell: the new hash makes a
new service worker, which caches the new files and removes the old cache. `tests/test_frontend.py`
fails while the stamp is stale, so a change cannot reach phones half-applied.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"
SERVICE_WORKER = FRONTEND / "sw.js"
VERSION_LINE = re.compile(r'^const VERSION = "([0-9a-f]+)";$', re.MULTILINE)


def shell_paths() -> list[str]:
    """The URL paths the service worker precaches, as listed in sw.js."""
    block = SERVICE_WORKER.read_text().split("const SHELL = [", 1)[1].split("];", 1)[0]
    return re.findall(r'"([^"]+)"', block)


def shell_version() -> str:
    """A hash of every precached file, and of sw.js without its own stamp."""
    digest = hashlib.sha256()
    for path in sorted(set(shell_paths()) - {"/"}):
        digest.update(path.encode() + b"\0" + (FRONTEND / path.lstrip("/")).read_bytes())
    digest.update(VERSION_LINE.sub("", SERVICE_WORKER.read_text()).encode())
    return digest.hexdigest()[:12]


def main() -> None:
    text = SERVICE_WORKER.read_text()
    SERVICE_WORKER.write_text(VERSION_LINE.sub(f'const VERSION = "{shell_version()}";', text))
    print(shell_version())


if __name__ == "__main__":
    main()
