"""The PWA's files as served: security headers, the size budget, and a service worker that caches
exactly the shell and knows when it changed."""

from __future__ import annotations

import gzip
import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import httpx

from shopwatch.evidence.declaration import DECLARATION_AS_SIGNED
from shopwatch.frontend import CONTENT_SECURITY_POLICY
from shopwatch.incidents.photo_formats import MAX_PHOTO_BYTES

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
SHELL_BUDGET = 100 * 1024


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stamp_script() -> ModuleType:
    return _script("stamp_sw_version")


def _shell_code() -> list[Path]:
    return sorted(p for p in FRONTEND.rglob("*") if p.suffix in (".html", ".css", ".js"))


def test_the_app_shell_is_at_most_100_kb_gzipped() -> None:
    total = sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in _shell_code())
    assert total <= SHELL_BUDGET, f"{total} bytes gzipped"


def test_the_service_worker_precaches_every_shell_file() -> None:
    on_disk = {"/" + str(p.relative_to(FRONTEND)) for p in FRONTEND.rglob("*") if p.is_file()} - {"/sw.js"}
    assert set(_stamp_script().shell_paths()) == on_disk | {"/"}


def test_the_page_preloads_every_module_of_the_shell() -> None:
    stamp = _stamp_script()
    modules = stamp.shell_modules()
    assert "/js/menu.js" in modules and "/js/app.js" not in modules
    assert stamp.preloaded_modules() == modules, "run `python scripts/stamp_sw_version.py`"


def test_the_service_worker_version_is_the_hash_of_the_current_shell() -> None:
    stamp = _stamp_script()
    written = stamp.VERSION_LINE.search((FRONTEND / "sw.js").read_text()).group(1)
    assert written == stamp.shell_version(), "run `python scripts/stamp_sw_version.py`"


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "style" or (tag == "script" and "src" not in names) or "style" in names:
            self.inline.append(tag)
        self.inline += [name for name in names if name.startswith("on")]


def test_index_html_has_no_inline_script_or_style() -> None:
    finder = _InlineFinder()
    finder.feed((FRONTEND / "index.html").read_text())
    assert finder.inline == []


def test_no_script_parses_strings_as_html() -> None:
    parsing = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function")
    offenders = [str(p) for p in _shell_code() if p.suffix == ".js" and parsing.search(p.read_text())]
    assert offenders == []


async def test_frontend_responses_carry_the_content_security_policy(http: httpx.AsyncClient) -> None:
    for path in ("/", "/js/app.js", "/css/app.css", "/manifest.webmanifest"):
        response = await http.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY


async def test_the_service_worker_is_never_served_from_a_stale_cache(http: httpx.AsyncClient) -> None:
    response = await http.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"].startswith("text/javascript")


async def test_the_manifest_is_served_as_a_web_app_manifest(http: httpx.AsyncClient) -> None:
    response = await http.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")


async def test_the_shell_goes_compressed_to_browsers_that_take_it(http: httpx.AsyncClient) -> None:
    script = (FRONTEND / "js" / "app.js").read_bytes()
    response = await http.get("/js/app.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"].lower()
    assert int(response.headers["content-length"]) < len(script) / 2
    assert response.content == script  # as the browser has it once decoded
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    plain = await http.get("/js/app.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == script
    # Images are compressed already; API answers are never compressed.
    icon = await http.get("/icons/icon-192.png", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in icon.headers
    api = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Accept-Encoding": "gzip"})
    assert api.status_code == 200 and "content-encoding" not in api.headers


def test_the_phones_photo_rules_are_the_servers() -> None:
    """js/photo-rules.js is what scripts/write_photo_rules.py writes from the server's limits now."""
    spec = importlib.util.spec_from_file_location(
        "write_photo_rules", ROOT / "scripts" / "write_photo_rules.py"
    )
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    written = (FRONTEND / "js" / "photo-rules.js").read_text()
    assert written == script.rules_module(), "run `python scripts/write_photo_rules.py`"
    assert f"export const MAX_PHOTO_BYTES = {MAX_PHOTO_BYTES};" in written


def test_the_app_shows_the_declaration_the_statement_is_signed_under() -> None:
    """The statement form shows the MG11 declaration before signing, as the PDF prints it; only the
    page count, unknown until the PDF is made, is an ellipsis."""
    script = (FRONTEND / "js" / "views" / "statement.js").read_text()
    shown = re.search(r'export const DECLARATION =\s*"([^"]+)";', script)
    assert shown and shown.group(1) == DECLARATION_AS_SIGNED
