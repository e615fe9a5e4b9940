"""Concurrent crew: 20 threads x 5 payments of 10.00 against a 500.00 event.

moto in-process is not thread-safe, so this test serves DynamoDB from a moto server on loopback
that handles one request at a time (like DynamoDB's per-item atomicity) and points the app at it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tests.builders import event_body
from tests.servers import moto_dynamodb
from tests.support import Auth, make_app

SERVED: list[str] = []


@pytest.fixture(scope="module")
def moto_server(aws: None) -> Iterator[str]:
    with moto_dynamodb(SERVED) as url:
        yield url


def test_concurrent_payments_never_overpay(moto_server: str) -> None:
    app = make_app(DYNAMODB_ENDPOINT=moto_server, TABLE="scc-concurrency")
    with app.app_context():
        from scc.store import get_store

        store = get_store()
        store.create_table()
    client = app.test_client()
    auth = Auth(client)
    assert auth.login().status_code == 200
    bearer = auth.bearer()
    body = event_body(total="500.00", patrons=[{"patron_id": "group", "name": "Group"}])
    event_id = client.post("/api/events", json=body, headers=bearer).json["event_id"]
    results: list[int] = []
    lock = threading.Lock()

    def crew_member() -> None:
        local = app.test_client()
        for _ in range(5):
            status = local.post(
                f"/api/events/{event_id}/payment-log",
                headers=bearer,
                json={"patron_id": "group", "amount": "10.00", "method": "cash"},
            ).status_code
            with lock:
                results.append(status)

    threads = [threading.Thread(target=crew_member) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = client.get(f"/api/events/{event_id}", headers=bearer).json
    store.client.delete_table(TableName="scc-concurrency")
    assert sum(target.endswith("UpdateItem") for target in SERVED) >= 100
    assert results.count(201) == 50 and results.count(422) == 50
    assert final["paid_total"] == "500.00" and final["balance_due"] == "0.00"
    assert len(final["payments"]) == 50 and final["payment_cleared"] is True


def test_refunds_racing_payments_keep_net_paid_between_zero_and_owed(moto_server: str) -> None:
    """10 crew at once on one patron who paid 200.00 of 500.00: 5 log 20.00 three times (300.00,
    exactly the room left), 5 refund 20.00 four times (400.00, more than ever paid at once)."""
    app = make_app(DYNAMODB_ENDPOINT=moto_server, TABLE="scc-concurrency-refunds")
    with app.app_context():
        from scc.store import get_store

        store = get_store()
        store.create_table()
    client = app.test_client()
    auth = Auth(client)
    assert auth.login().status_code == 200
    bearer = auth.bearer()
    body = event_body(total="500.00", patrons=[{"patron_id": "group", "name": "Group"}])
    event_id = client.post("/api/events", json=body, headers=bearer).json["event_id"]
    trip = f"/api/events/{event_id}"
    money = {"patron_id": "group", "amount": "200.00", "method": "cash"}
    assert client.post(f"{trip}/payment-log", headers=bearer, json=money).status_code == 201
    results: dict[str, list[int]] = {"payment-log": [], "refunds": []}
    lock = threading.Lock()

    def crew_member(route: str, times: int) -> None:
        local = app.test_client()
        body = {"patron_id": "group", "amount": "20.00", "method": "cash", "reason": "r"}
        for _ in range(times):
            status = local.post(f"{trip}/{route}", headers=bearer, json=body).status_code
            with lock:
                results[route].append(status)

    threads = [threading.Thread(target=crew_member, args=("payment-log", 3)) for _ in range(5)]
    threads += [threading.Thread(target=crew_member, args=("refunds", 4)) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = client.get(trip, headers=bearer).json
    store.client.delete_table(TableName="scc-concurrency-refunds")
    paid, refunded = results["payment-log"].count(201), results["refunds"].count(201)
    assert set(results["payment-log"] + results["refunds"]) <= {201, 422}
    paid_total = 200 + 20 * paid - 20 * refunded
    assert 0 <= paid_total <= 500 and final["paid_total"] == f"{paid_total}.00"
    assert len(final["payments"]) == 1 + paid and len(final["refunds"]) == refunded
    assert final["patrons"][0]["amount_paid"] == final["paid_total"]
