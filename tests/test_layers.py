"""The layers' one-way dependencies, read from each module's imports.

The GraphQL layer never writes an audit entry, runs the alert rules, writes to the email outbox or
opens a transaction itself: a workflow that needs any of them is an action, so no caller can leave a
part out. Actions know nothing of GraphQL, and only the layers above them import them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import shopwatch

PACKAGE = Path(shopwatch.__file__).parent

# Module, or (module, name): what a resolver would use to compose a workflow itself.
WORKFLOW_PARTS = {
    "tortoise.transactions",
    ("shopwatch.core.audit.trail", "record"),
    ("shopwatch.alerts.services", "evaluate_rules"),
    "shopwatch.alerts.patterns",
    "shopwatch.core.mail.outbox",
}
ABOVE_ACTIONS = ("shopwatch.actions", "shopwatch.api", "shopwatch.app", "shopwatch.cli", "shopwatch.worker")


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "migrations" not in parts:
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imports(path: Path) -> Iterator[tuple[str, str | None]]:
    """(module, name) for `from module import name`; (module, None) for `import module`."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name
                yield f"{node.module}.{alias.name}", None  # `from package import module`


def within(module: str, *packages: str) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


def workflow_parts(path: Path) -> list[str]:
    """What the module imports of `WORKFLOW_PARTS`, by name."""
    used = set()
    for module, name in imports(path):
        for part in WORKFLOW_PARTS:
            if isinstance(part, tuple) and (module, name) == part:
                used.add(".".join(part))
            elif isinstance(part, str) and within(module, part):
                used.add(part)
    return sorted(used)


def test_the_graphql_layer_composes_no_workflow_itself() -> None:
    found = {
        name: parts
        for name, path in modules()
        if within(name, "shopwatch.api") and (parts := workflow_parts(path))
    }
    assert found == {}


def test_the_check_sees_a_resolver_that_composes_a_workflow(tmp_path: Path) -> None:
    resolver = tmp_path / "resolver.py"
    resolver.write_text(
        "from shopwatch.core.audit.trail import Actor, record\n"
        "from tortoise import transactions\n"
        "import shopwatch.core.mail.outbox\n"
    )
    assert workflow_parts(resolver) == [
        "shopwatch.core.audit.trail.record",
        "shopwatch.core.mail.outbox",
        "tortoise.transactions",
    ]


def test_actions_know_nothing_of_graphql() -> None:
    found = [
        f"{name} imports {module}"
        for name, path in modules()
        if within(name, "shopwatch.actions")
        for module, _ in imports(path)
        if within(module, "shopwatch.api", "strawberry", "graphql")
    ]
    assert found == []


def test_only_the_layers_above_import_actions() -> None:
    found = [
        f"{name} imports {module}"
        for name, path in modules()
        if not within(name, *ABOVE_ACTIONS)
        for module, _ in imports(path)
        if within(module, "shopwatch.actions")
    ]
    assert found == []


# docs/architecture.md's order, lowest first; a layer may import only its own and those before it
# (alerts, summaries, evidence and live share a rank and never import each other).
LAYERS = {
    "settings": 0,
    "core": 1,
    "accounts": 2,
    "places": 3,
    "incidents": 4,
    "offenders": 5,
    "alerts": 6,
    "summaries": 6,
    "evidence": 6,
    "live": 6,
    "actions": 7,
    "api": 8,
    "frontend": 8,
    "worker": 9,  # the background work that `serve` and `worker` run
    "app": 10,
    "cli": 11,
}


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "shopwatch" and len(parts) > 1 and parts[1] in LAYERS else None


def test_a_lower_layer_never_imports_a_higher_one() -> None:
    found = []
    for name, path in modules():
        own = layer(name)
        if own is None:
            continue
        for module, _ in imports(path):
            other = layer(module)
            if other is not None and other != own and LAYERS[other] >= LAYERS[own]:
                found.append(f"{name} imports {module}")
    assert sorted(set(found)) == []


def test_every_module_has_a_layer() -> None:
    assert [name for name, _ in modules() if name != "shopwatch" and layer(name) is None] == []


def test_nothing_below_the_api_imports_strawberry_or_graphql() -> None:
    found = [
        f"{name} imports {module}"
        for name, path in modules()
        if (own := layer(name)) is not None and LAYERS[own] < LAYERS["api"]
        for module, _ in imports(path)
        if within(module, "strawberry", "graphql")
    ]
    assert found == []
