"""The auth package's shape: no blueprint module imports another (what two share is in a module
of its own), read from the source, imports inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

import scc

ROOT = Path(scc.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.Module) -> set[str]:
    """The scc modules a module imports (`from scc.x import y` counts scc.x and scc.x.y)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("scc.")}


def test_no_blueprint_imports_another() -> None:
    trees = {module_name(path): ast.parse(path.read_text()) for path in ROOT.rglob("*.py")}
    blueprints = {name for name, tree in trees.items() if "Blueprint(" in ast.unparse(tree)}
    assert {"scc.auth.views", "scc.auth.crew_views", "scc.auth.passkey_views"} <= blueprints
    crossing = {
        (name, other)
        for name in blueprints
        for other in imported(trees[name]) & blueprints
        if other != name
    }
    assert crossing == set()
