"""`make test` wall time (the suite as CI runs it, venv already in place)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from bench.common import Budget, table

ROOT = Path(__file__).resolve().parent.parent


def run() -> tuple[str, list[Budget]]:
    start = time.perf_counter()
    subprocess.run(["make", "test"], cwd=ROOT, check=True, capture_output=True)  # noqa: S607
    seconds = time.perf_counter() - start
    return (
        table("make test", ["what", "seconds"], [["make test wall time", f"{seconds:.1f}"]]),
        [Budget("make test (s)", round(seconds, 1), 120, " s")],
    )
