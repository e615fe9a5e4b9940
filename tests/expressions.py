"""DynamoDB's refusal of expression names and values a request does not use, which moto lacks.

DynamoDB answers ValidationException ("Value provided in ExpressionAttributeNames unused in
expressions: keys: {#s}") when a request names an attribute or sends a value that none of its
expressions uses, and when either map is sent empty; moto accepts both. conftest.py registers
`refuse_unused` as a before-call hook on the app's client, so every request of the suite is
held to DynamoDB's rule."""

from __future__ import annotations

import json
import re
from typing import Any

from botocore.exceptions import ClientError

EXPRESSIONS = (
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
    "ConditionExpression",
    "UpdateExpression",
)


def unused(params: dict[str, Any]) -> str | None:
    """DynamoDB's message for one request's (or transaction part's) unused names or values."""
    text = " ".join(str(params.get(k) or "") for k in EXPRESSIONS)
    for kind in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
        given = params.get(kind)
        if given is None:
            continue
        if not given:
            return f"{kind} must not be empty"
        left = sorted(k for k in given if not re.search(re.escape(k) + r"(?![A-Za-z0-9_])", text))
        if left:
            return f"Value provided in {kind} unused in expressions: keys: {{{', '.join(left)}}}"
    return None


def _parts(operation: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The parts of a request that carry their own expressions."""
    if operation == "TransactWriteItems":
        return [part for item in body.get("TransactItems", []) for part in item.values()]
    if operation == "TransactGetItems":
        return [item["Get"] for item in body.get("TransactItems", [])]
    if operation == "BatchGetItem":
        return list((body.get("RequestItems") or {}).values())
    return [body]


def refuse_unused(model: Any, params: dict[str, Any], **_: Any) -> None:
    """botocore before-call hook: raise the ValidationException DynamoDB would answer."""
    raw = params.get("body") or b"{}"
    body = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    for part in _parts(model.name, body):
        message = unused(part)
        if message is not None:
            error = {"Error": {"Code": "ValidationException", "Message": message}}
            raise ClientError(error, model.name)  # type: ignore[arg-type]
