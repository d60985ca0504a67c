"""Writes the app shell's content hash into frontend/sw.js as its cache VERSION, and the shell's
modules into index.html as `<link rel="modulepreload">`.

Run `python scripts/stamp_sw_version.py` after changing any file of the shell: the new hash makes a
new service worker, which caches the new files and removes the old cache. `tests/test_frontend.py`
fails while the stamp is stale, so a change cannot reach phones half-applied.

The preloads let the browser fetch every module at once, as soon as it reads the page, instead of
discovering them import by import (four round trips deep); the list is the service worker's shell
list, so a module added there is preloaded too.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"
SERVICE_WORKER = FRONTEND / "sw.js"
INDEX = FRONTEND / "index.html"
VERSION_LINE = re.compile(r'^const VERSION = "([0-9a-f]+)";$', re.MULTILINE)
ENTRY_MODULE = "/js/app.js"
# Imported only after the first screen is drawn (live alerts): preloading them would delay it.
AFTER_FIRST_PAINT = {"/js/live.js", "/js/live-socket.js", "/js/live-words.js", "/js/views/live.js"}
PRELOADS = re.compile(
    r"(  <!-- modules: written by scripts/stamp_sw_version.py -->\n)(.*?)(  <!-- /modules -->)", re.DOTALL
)


def shell_paths() -> list[str]:
    """The URL paths the service worker precaches, as listed in sw.js."""
    block = SERVICE_WORKER.read_text().split("const SHELL = [", 1)[1].split("];", 1)[0]
    return re.findall(r'"([^"]+)"', block)


def preloaded_modules() -> list[str]:
    """The modules index.html preloads, as it lists them."""
    found = PRELOADS.search(INDEX.read_text())
    return re.findall(r'<link rel="modulepreload" href="([^"]+)">', found.group(2)) if found else []


def shell_modules() -> list[str]:
    """Every module of the shell but the entry point, which the page loads itself, and those it
    imports after the first screen is drawn."""
    return sorted(
        path
        for path in shell_paths()
        if path.endswith(".js") and path != ENTRY_MODULE and path not in AFTER_FIRST_PAINT
    )


def write_preloads() -> None:
    lines = "".join(f'  <link rel="modulepreload" href="{path}">\n' for path in shell_modules())
    text = INDEX.read_text()
    if not PRELOADS.search(text):
        raise SystemExit("index.html has no `<!-- modules: ... -->` block to write the preloads into")
    INDEX.write_text(PRELOADS.sub(lambda found: found.group(1) + lines + found.group(3), text))


def shell_version() -> str:
    """A hash of every precached file, and of sw.js without its own stamp."""
    digest = hashlib.sha256()
    for path in sorted(set(shell_paths()) - {"/"}):
        digest.update(path.encode() + b"\0" + (FRONTEND / path.lstrip("/")).read_bytes())
    digest.update(VERSION_LINE.sub("", SERVICE_WORKER.read_text()).encode())
    return digest.hexdigest()[:12]


def main() -> None:
    write_preloads()
    text = SERVICE_WORKER.read_text()
    SERVICE_WORKER.write_text(VERSION_LINE.sub(f'const VERSION = "{shell_version()}";', text))
    print(shell_version())


if __name__ == "__main__":
    main()
