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
