"""The release SCC reports (GET /api/health) and packages as, and which code is running."""

from __future__ import annotations

import json
from pathlib import Path

VERSION = "0.1.0"
# Written into the Lambda package by deploy.build: the hash of everything else in the package,
# so the smoke test can tell which code answered. The source tree has none.
BUILD_FILE = Path(__file__).resolve().with_name("build.json")


def code_hash(path: Path | None = None) -> str | None:
    """The package's code hash, read when asked (not at import); None outside a built package."""
    try:
        found = json.loads((path or BUILD_FILE).read_text(encoding="utf-8"))["code"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return str(found)
