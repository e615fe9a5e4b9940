"""What DynamoDB does and moto does not, held to on the app's DynamoDB client (conftest.py
registers both hooks on it: the process's one client, lambda_entry's too); and the log of the
calls that client makes.

- DynamoDB answers ValidationException ("Value provided in ExpressionAttributeNames unused in
  expressions: keys: {#s}") when a request names an attribute or sends a value that none of its
  expressions uses, and when either map is sent empty; moto accepts both. `refuse_unused`
  raises that error before the request leaves.
- DynamoDB trims numbers: "Leading and trailing zeroes are trimmed" (the developer guide,
  Naming rules and data types, Number:
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number
  ): it answers 150 for a stored 150.00 and 75.5 for 75.50, where moto answers the string as
  written. `answer_as_dynamodb_sends` trims every answer's numbers (bench.weights'
  translator), so every test reads money back as the app will on AWS.
- DynamoDB answers a LastEvaluatedKey whenever a Query or Scan stopped at its Limit, even when no
  item follows ("If LastEvaluatedKey is present in the response, you need to paginate the result
  set": https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html;
  the key of the last item evaluated); moto answers none when the Limit's last item was the
  last. `remember_limit` and `stop_at_limit` give the answer DynamoDB's key."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from bench.weights import as_dynamodb_sends
from scc.store import keys

# What a write (or an owner's page) reads first on a new installation: the roster's word on the
# session (the member's item, then whether the roster is empty).
ROSTER_CHECK = ["GetItem", "Query"]

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


def answer_as_dynamodb_sends(parsed: dict[str, Any], **_: Any) -> None:
    """botocore after-call hook: the parsed answer's numbers, trimmed as DynamoDB sends them."""
    trimmed = as_dynamodb_sends(parsed)
    parsed.clear()
    parsed.update(trimmed)


# The key attributes a LastEvaluatedKey names: the table's, and an index's with them.
KEY_NAMES = {None: ("eid", "crew_id"), keys.BY_DATE_INDEX: ("eid", "crew_id", "board", "board_sk")}


def remember_limit(model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """botocore before-call hook: a Query's or Scan's Limit and index, for stop_at_limit."""
    if model.name in ("Query", "Scan"):
        raw = params.get("body") or b"{}"
        body = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
        context["scc_limit"] = (body.get("Limit"), body.get("IndexName"))


def stop_at_limit(parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """botocore after-call hook: a Query or Scan that stopped at its Limit answers the last
    item's key as its LastEvaluatedKey, as DynamoDB does (a projection that left a by-date key
    out: the key follows from the trip's id, as the table keeps it)."""
    limit, index = context.get("scc_limit") or (None, None)
    items = parsed.get("Items")
    if not limit or not items or len(items) < limit or "LastEvaluatedKey" in parsed:
        return
    last = items[-1]
    if index == keys.BY_DATE_INDEX and "eid" in last:
        known = {k: {"S": v} for k, v in keys.board_position(last["eid"]["S"]).items()}
        last = {**known, **last}
    names = KEY_NAMES.get(index)
    if names is not None and all(n in last for n in names):
        parsed["LastEvaluatedKey"] = {n: last[n] for n in names}


@dataclass
class CallLog:
    """The DynamoDB operations the app's client made (`record` is its before-call hook)."""

    calls: list[str] = field(default_factory=list)

    def record(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)

    def clear(self) -> None:
        self.calls.clear()


def drop_table(client: Any, name: str) -> None:
    """Delete a test table, even one `scc init-db` protected (DynamoDB refuses to delete a table
    with deletion protection on, and moto does too)."""
    try:
        client.delete_table(TableName=name)
    except client.exceptions.ResourceNotFoundException:
        return
    except ClientError as exc:
        if "DeletionProtectionEnabled" not in str(exc):
            raise
        client.update_table(TableName=name, DeletionProtectionEnabled=False)
        client.delete_table(TableName=name)
