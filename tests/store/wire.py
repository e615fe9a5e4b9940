"""DynamoDB's answers that moto never gives, put on the wire with botocore's event hooks, so that
the app's client parses and retries them as it would DynamoDB's.

While a fault is on, one `before-send` hook answers each DynamoDB request: with the fault's
answer, or with moto's (moto's own hook is paused meanwhile, so a request is never run twice).

- `conflict`: TransactWriteItems cancelled for TransactionConflict (another write of the same
  item was in progress), as
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
  documents: HTTP 400, TransactionCanceledException, one reason per write, "None" for the rest.
- `lose_answer`: the write happens, its answer is lost (a 500 after the write), botocore sends it
  again. A TransactWriteItems repeated with the same ClientRequestToken (botocore fills it in
  once per call, so its retries carry the same one) changes nothing the second time and answers
  success, as the same page documents ("multiple identical calls have the same effect as one
  single call"); moto ignores the token, so the repeat is answered here as DynamoDB answers it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.awsrequest import AWSResponse
from moto.core.botocore_stubber import MockRawResponse
from moto.core.models import botocore_stubber

from scc.store import Store

ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
Answer = Callable[[str, dict[str, Any], Any], tuple[int, dict[str, Any]] | None]


def operation(request: Any) -> str:
    target = request.headers.get("X-Amz-Target", b"")
    return str((target.decode() if isinstance(target, bytes) else target).split(".")[-1])


@contextmanager
def on_the_wire(store: Store, answer: Answer) -> Iterator[list[str]]:
    """Every DynamoDB request goes to `answer(operation, body, request)` first; when it answers
    (status, JSON body) that is DynamoDB's answer, else moto's. Yields the operations sent."""
    sent: list[str] = []

    def send(request: Any, **_: Any) -> AWSResponse | None:
        name = operation(request)
        sent.append(name)
        answered = answer(name, json.loads(request.body or b"{}"), request)
        if answered is None:
            botocore_stubber.enabled = True
            try:
                return botocore_stubber("before-send", request)
            finally:
                botocore_stubber.enabled = False
        status, body = answered
        headers = {"content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "wire"}
        raw = MockRawResponse(json.dumps(body).encode())
        return AWSResponse(request.url, status, headers, raw)  # type: ignore[arg-type]

    events = store.client.meta.events
    events.register_first("before-send.dynamodb", send, unique_id="scc-wire")
    botocore_stubber.enabled = False
    try:
        yield sent
    finally:
        botocore_stubber.enabled = True
        events.unregister("before-send.dynamodb", unique_id="scc-wire")


def cancelled(writes: int) -> tuple[int, dict[str, Any]]:
    """A transaction of `writes` writes cancelled for a TransactionConflict on its first."""
    reasons = [{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}]
    reasons += [{"Code": "None"}] * (writes - 1)
    message = "Transaction cancelled, please refer cancellation reasons for specific reasons "
    message += "[TransactionConflict" + ", None" * (writes - 1) + "]"
    body = {
        "__type": ERROR_PREFIX + "TransactionCanceledException",
        "Message": message,
        "CancellationReasons": reasons,
    }
    return 400, body


@contextmanager
def conflict(store: Store, times: int) -> Iterator[list[str]]:
    """The next `times` TransactWriteItems are cancelled for a TransactionConflict."""
    left = [times]

    def answer(name: str, body: dict[str, Any], _: Any) -> tuple[int, dict[str, Any]] | None:
        if name != "TransactWriteItems" or not left[0]:
            return None
        left[0] -= 1
        return cancelled(len(body["TransactItems"]))

    with on_the_wire(store, answer) as sent:
        yield sent


@contextmanager
def lose_answer(store: Store, lost: str) -> Iterator[list[str]]:
    """The next `lost` operation is written, but its answer is lost: botocore sees a 500 and
    sends it again."""
    tokens: set[str] = set()
    done: list[bool] = []

    def answer(name: str, body: dict[str, Any], request: Any) -> tuple[int, dict[str, Any]] | None:
        token = body.get("ClientRequestToken")
        if name == "TransactWriteItems" and token in tokens:
            return 200, {}  # DynamoDB: the same token again is the same transaction, done
        if name != lost or done:
            return None
        done.append(True)
        moto = botocore_stubber.process_request(request)
        assert moto is not None and moto[0] == 200, moto  # the write happened
        if token:
            tokens.add(token)
        return 500, {"__type": ERROR_PREFIX + "InternalServerError", "message": "Internal error"}

    with on_the_wire(store, answer) as sent:
        yield sent
