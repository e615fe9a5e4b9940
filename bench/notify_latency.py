"""Payment-log latency with and without notifications, through the Flask test client on moto.

Notifications are sent from the table's stream, so the crew's request should not change at all.
Three setups, timed in alternating rounds (noise hits each alike), medians compared:

  before     a table without a stream, no mail settings (the app before notifications)
  stream     the table's stream on, no mail settings
  notifying  the stream on and Gmail + admin address configured (as deployed)

Then, for scale, what the stream handler spends per record (log backend, off the request path).
Run: .venv/bin/python -m bench.notify_latency [--rounds N] [--per-round N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.common import Budget, alternate, set_env, table

PASSWORD = "bench password 123"  # noqa: S105
MAX_RATIO = 1.10  # "no measurable difference": within the noise of alternating medians


def _apps() -> dict[str, Any]:
    import bcrypt

    from scc import create_app, tables
    from scc.store import dynamodb_client

    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    base = {"TESTING": True, "SECRET_KEY": "bench", "ADMIN_PASS_HASH": hashed}
    mail = {
        "ADMIN_EMAIL": "admin@scc.example",
        "MAIL_FROM": "office@scc.example",
        "GMAIL_CLIENT_ID": "bench-client",
        "GMAIL_CLIENT_SECRET": "bench-secret",
        "GMAIL_REFRESH_TOKEN": "bench-refresh",
        # Nothing listens here: if the request path ever sent mail, it would show as a stall.
        "GMAIL_TOKEN_URL": "http://127.0.0.1:9/token",
        "GMAIL_API_URL": "http://127.0.0.1:9",
    }
    client = dynamodb_client()
    spec = tables.table_spec("bench-before")
    del spec["StreamSpecification"]
    client.create_table(**spec)
    tables.create(client, "bench-stream")
    return {
        "before": create_app({**base, "TABLE": "bench-before"}),
        "stream": create_app({**base, "TABLE": "bench-stream"}),
        "notifying": create_app({**base, **mail, "TABLE": "bench-stream"}),
    }


class Crew:
    """A signed-in crew client of one app that logs cent payments on fresh events."""

    def __init__(self, app: Any, name: str) -> None:
        self.client = app.test_client()
        self.name = name
        answer = self.client.post(
            "/api/admin/login",
            json={"crew_id": "cory", "password": PASSWORD},
            base_url="https://localhost",
        )
        self.headers = {"X-CSRF-Token": answer.json["csrf_token"]}
        self.events = 0
        self.paid = 0

    def new_event(self) -> str:
        self.events += 1
        from tests.builders import event_body

        body = event_body(
            name=f"{self.name}-{self.events}",
            total="100000.00",
            period=None,
            patrons=[{"patron_id": "dana", "name": "Dana Lee"}],
        )
        answer = self.client.post(
            "/api/events", json=body, headers=self.headers, base_url="https://localhost"
        )
        assert answer.status_code == 201, answer.json
        return str(answer.json["event_id"])

    def timer(self, per_round: int) -> Callable[[], float]:
        """Time `per_round` payment logs on a fresh event; ms per request."""

        def timed() -> float:
            eid = self.new_event()
            url = f"/api/events/{eid}/payment-log"
            start = time.perf_counter()
            for _ in range(per_round):
                self.paid += 1
                body = {"patron_id": "dana", "amount": "0.01", "method": "cash"}
                answer = self.client.post(
                    url, json=body, headers=self.headers, base_url="https://localhost"
                )
                assert answer.status_code == 201, answer.json
            return (time.perf_counter() - start) / per_round * 1e3

        return timed


def _stream_cost(app: Any, table_name: str) -> tuple[int, float]:
    """Records in the stream, and the handler's ms per record with the log backend."""
    from scc.devstream import StreamReader

    from scc import notify
    from scc.store import Store

    records = StreamReader(Store(table_name), start="TRIM_HORIZON").take()
    handler = notify.make_stream_handler(app)
    batch = {"Records": records[:200]}
    start = time.perf_counter()
    answer = handler(batch, None)
    elapsed = (time.perf_counter() - start) * 1e3
    assert answer == {"batchItemFailures": []}, answer
    return len(batch["Records"]), elapsed / max(1, len(batch["Records"]))


def create_app_like(app: Any, **overrides: Any) -> Any:
    from scc import create_app

    return create_app({**app.config, **overrides})


def run(rounds: int = 11, per_round: int = 10) -> tuple[str, list[Budget]]:
    from moto import mock_aws

    with mock_aws():
        apps = _apps()
        crews = {name: Crew(app, name) for name, app in apps.items()}
        for crew in crews.values():  # warm up: first requests load templates and clients
            crew.timer(5)()
        before, stream = alternate(
            crews["before"].timer(per_round), crews["stream"].timer(per_round), rounds
        )
        stream2, notifying = alternate(
            crews["stream"].timer(per_round), crews["notifying"].timer(per_round), rounds
        )
        # The log backend with an admin address: every message is rendered, nothing leaves.
        log_app = create_app_like(apps["notifying"], MAIL_BACKEND="log")
        records, per_record = _stream_cost(log_app, "bench-stream")
    rows = [
        ["before (no stream, no mail)", f"{before:.2f}", "1.00"],
        ["stream on, no mail", f"{stream:.2f}", f"{stream / before:.2f}"],
        ["stream on, no mail (2nd pair)", f"{stream2:.2f}", f"{stream2 / before:.2f}"],
        ["stream on, Gmail + admin set", f"{notifying:.2f}", f"{notifying / before:.2f}"],
    ]
    text = table(
        f"Payment-log latency, ms per request (medians of {rounds} alternating rounds "
        f"of {per_round})",
        ["setup", "median ms", "vs before"],
        rows,
    )
    text += (
        f"\n\nnotifying / stream (same pair): {notifying / stream2:.3f}. "
        f"Off the request path, the stream handler took {per_record:.2f} ms per record "
        f"({records} records, log backend, dedupe markers included)."
    )
    ratio = notifying / stream2
    budgets = [Budget("payment-log, notifications on / off", round(ratio, 3), MAX_RATIO)]
    return text, budgets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--per-round", type=int, default=10)
    args = parser.parse_args()
    set_env()
    text, budgets = run(args.rounds, args.per_round)
    print(text)
    for budget in budgets:
        print(" | ".join(budget.row()))
    return 0 if all(b.ok for b in budgets) else 1


if __name__ == "__main__":
    sys.exit(main())
