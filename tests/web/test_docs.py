"""The repository holds its own documentation: every route is in docs/API.md, and every file
the docs and the code cite is in the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]


def test_every_route_is_in_the_api_reference(app: Flask) -> None:
    reference = (ROOT / "docs" / "API.md").read_text()
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "assets.static_file":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if f"`{method} {rule.rule}" not in reference:
                missing.append(f"{method} {rule.rule}")
    assert missing == []


def test_no_file_cites_a_document_the_repository_does_not_hold() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    held = set(tracked) | {Path(t).name for t in tracked}
    cited: set[tuple[str, str]] = set()
    for name in tracked:
        if not name.endswith((".py", ".md", ".toml", "Makefile")) or "vendor" in name:
            continue
        for doc in re.findall(r"\b([\w./-]*[A-Z][\w-]*\.md)\b", (ROOT / name).read_text()):
            cited.add((name, doc))
    absent = {(name, doc) for name, doc in cited if doc not in held and Path(doc).name not in held}
    assert absent == set()
