"""`make bench`: every benchmark in one run, a table each, and the budgets checked
(docs/PERFORMANCE.md "Budgets"). `--quick` leaves out the `make test` timing."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.common import set_env, table


def main() -> int:
    set_env()
    from bench import cold_init, cold_request, recording, test_time, weights

    report, budgets = [], []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "recording.json"
        recorded = recording.make(path)
        for text, found in (
            cold_init.run(),
            cold_request.run(path, recorded),
            weights.run(recorded),
            *([] if "--quick" in sys.argv else [test_time.run()]),
        ):
            print(text, flush=True)
            report.append(text)
            budgets += found
    summary = table(
        "Budgets", ["budget", "measured", "limit", "result"], [b.row() for b in budgets]
    )
    print(summary)
    missed = [b.name for b in budgets if not b.ok]
    if missed:
        print(f"\n{len(missed)} budget(s) missed: {', '.join(missed)}")
        return 1
    print(f"\nAll {len(budgets)} budgets hold.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
