"""Concurrent crew on one trip: payments racing each other can't overpay, and refunds racing
payments can't take a patron's net paid below zero or past what is owed.

moto in-process is not thread-safe, so these tests serve DynamoDB from a moto server on loopback
that handles one request at a time (like DynamoDB's per-item atomicity) and point lambda_entry's
app at it; the crew's requests go through lambda_entry.handler from threads at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from scc.store import Store
from tests.support.builders import event_body
from tests.support.harness import Handler, Http
from tests.support.servers import moto_dynamodb

SERVED: list[str] = []


@pytest.fixture(scope="module")
def moto_server(aws: None) -> Iterator[str]:
    with moto_dynamodb(SERVED) as url:
        yield url


@dataclass
class Race:
    """A trip of 500.00 for one patron ("group") on its own table of the moto server, and crew
    members posting to it from threads at once."""

    http: Http
    token: str
    trip: str
    results: dict[str, list[int]] = field(default_factory=dict)

    def run(self, *crew: tuple[str, int, dict[str, Any]]) -> dict[str, Any]:
        """Each (route, times, body) is one crew member's thread; the trip's JSON after."""
        lock = threading.Lock()

        def member(route: str, times: int, body: dict[str, Any]) -> None:
            for _ in range(times):
                status = self.http("POST", f"{self.trip}/{route}", body, token=self.token).status
                with lock:
                    self.results.setdefault(route, []).append(status)

        threads = [threading.Thread(target=member, args=job) for job in crew]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        answer: dict[str, Any] = self.http("GET", self.trip, token=self.token).json
        return answer


@pytest.fixture
def race(
    app: Flask,
    handler: Handler,
    moto_server: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Race]:
    table = f"scc-concurrency-{request.node.name[-20:]}"
    store = Store(table, moto_server)
    store.create_table()
    monkeypatch.setitem(app.extensions, "scc.store", store)
    http = Http(handler)
    token = http.token()
    body = event_body(total="500.00", patrons=[{"patron_id": "group", "name": "Group"}])
    event_id = http("POST", "/api/events", body, token=token).json["event_id"]
    yield Race(http, token, f"/api/events/{event_id}")
    store.client.delete_table(TableName=table)


def test_concurrent_payments_never_overpay(race: Race) -> None:
    """20 crew x 5 payments of 10.00 against 500.00."""
    pay = {"patron_id": "group", "amount": "10.00", "method": "cash"}
    final = race.run(*[("payment-log", 5, pay)] * 20)
    assert sum(target.endswith("UpdateItem") for target in SERVED) >= 100
    results = race.results["payment-log"]
    assert results.count(201) == 50 and results.count(422) == 50
    assert final["paid_total"] == "500.00" and final["balance_due"] == "0.00"
    assert len(final["payments"]) == 50 and final["payment_cleared"] is True


def test_refunds_racing_payments_keep_net_paid_between_zero_and_owed(race: Race) -> None:
    """10 crew at once on a patron who paid 200.00 of 500.00: 5 log 20.00 three times (300.00,
    exactly the room left), 5 refund 20.00 four times (400.00, more than ever paid at once)."""
    race.run(("payment-log", 1, {"patron_id": "group", "amount": "200.00", "method": "cash"}))
    money = {"patron_id": "group", "amount": "20.00", "method": "cash", "reason": "r"}
    final = race.run(*[("payment-log", 3, money)] * 5, *[("refunds", 4, money)] * 5)
    statuses = race.results["payment-log"][1:] + race.results["refunds"]
    assert set(statuses) <= {201, 422}
    paid, refunded = race.results["payment-log"].count(201) - 1, race.results["refunds"].count(201)
    paid_total = 200 + 20 * paid - 20 * refunded
    assert 0 <= paid_total <= 500 and final["paid_total"] == f"{paid_total}.00"
    assert len(final["payments"]) == 1 + paid and len(final["refunds"]) == refunded
    assert final["patrons"][0]["amount_paid"] == final["paid_total"]
