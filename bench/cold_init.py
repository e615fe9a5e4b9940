"""Cold init: `import lambda_entry` (handler ready) vs the bare stack, whole process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ENV, Budget, alternate, table

ROOT = Path(__file__).resolve().parent.parent
OURS = "import lambda_entry"
BARE = "import flask, boto3, apig_wsgi; boto3.client('dynamodb')"


def _process(code: str) -> float:
    env = {**os.environ, **ENV}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)  # noqa: S603
    return time.perf_counter() - start


def top_imports(n: int = 8) -> list[list[str]]:
    """The slowest imports (cumulative µs) of `import lambda_entry`, from -X importtime."""
    env = {**os.environ, **ENV}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-X", "importtime", "-c", OURS],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_part, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(cumulative), int(self_part), name.rstrip()))
    rows.sort(reverse=True)
    return [[name, f"{cum / 1000:.1f} ms", f"{own / 1000:.1f} ms"] for cum, own, name in rows[:n]]


def run(rounds: int = 11) -> tuple[str, list[Budget]]:
    import compileall

    # The package ships .pyc files (deploy/build.py); the timed processes import nothing of bench.
    compileall.compile_dir(ROOT / "scc", quiet=1)
    compileall.compile_file(ROOT / "lambda_entry.py", quiet=1)
    ours, bare = alternate(lambda: _process(OURS), lambda: _process(BARE), rounds)
    ratio = ours / bare
    out = table(
        f"Cold init (whole process, median of {rounds} alternating runs)",
        ["what", "seconds"],
        [
            ["import lambda_entry (handler ready)", f"{ours:.3f}"],
            ["bare: flask + boto3 + apig_wsgi + dynamodb client", f"{bare:.3f}"],
            ["ratio", f"{ratio:.2f}x"],
        ],
    )
    out += table(
        "Top imports of lambda_entry (-X importtime)",
        ["module", "cumulative", "self"],
        top_imports(),
    )
    return out, [Budget("cold init vs bare stack", round(ratio, 2), 1.0, "x")]
