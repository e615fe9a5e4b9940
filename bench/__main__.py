"""`make bench`: every benchmark in one run, a table each, and the budgets checked."""

from __future__ import annotations

import sys

from bench.common import set_env, table


def main() -> int:
    set_env()
    from bench import cold_init, notify_latency, test_time, warm

    report, budgets = [], []
    for module in (cold_init, warm, notify_latency, test_time):
        if module is test_time and "--no-test-time" in sys.argv:
            continue
        text, found = module.run()
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
