"""Fixed-window counters in DynamoDB (Lambda instances share no memory): login throttling and the
waiver form's per-IP limit. Items expire through the table's TTL; expired ones are ignored on read
because TTL deletion can lag by hours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scc import clock
from scc.models import TTL_ATTRIBUTE
from scc.store import ConditionFailed, Store, deserialize, serialize

COUNTER_SK = "#counter"


@dataclass(frozen=True)
class Count:
    hits: int
    resets_at: int  # epoch seconds

    def retry_after(self) -> int:
        return max(1, self.resets_at - int(clock.now().timestamp()))


def key(scope: str, who: str) -> dict[str, str]:
    """A counter's item key (also read in a BatchGetItem with other items, by scc.waivers)."""
    return {"eid": f"#counter#{scope}#{who}", "crew_id": COUNTER_SK}


def peek(store: Store, scope: str, keys: list[str]) -> list[Count]:
    """Read the live counters for these keys in one call (missing or expired count as zero)."""
    found = store.get_many([key(scope, k) for k in keys])
    return [count for count in map(live, found.values()) if count is not None]


def hit(store: Store, scope: str, who: str, window: int) -> Count:
    """Count one more hit in the current window, starting a new window when the old one ended."""
    now = int(clock.now().timestamp())
    try:
        result = store.call(
            "update_item",
            TableName=store.table,
            Key=serialize(key(scope, who)),
            UpdateExpression="ADD hits :one SET #t = if_not_exists(#t, :end)",
            ConditionExpression="attribute_not_exists(#t) OR #t > :now",
            ExpressionAttributeNames={"#t": TTL_ATTRIBUTE},
            ExpressionAttributeValues=serialize({":one": 1, ":end": now + window, ":now": now}),
            ReturnValues="ALL_NEW",
        )
        item = deserialize(result["Attributes"])
        return Count(int(item["hits"]), int(item[TTL_ATTRIBUTE]))
    except ConditionFailed:
        # The stored window has ended: start a fresh one.
        item = {**key(scope, who), "hits": 1, TTL_ATTRIBUTE: now + window}
        store.call("put_item", TableName=store.table, Item=serialize(item))
        return Count(1, now + window)


def clear(store: Store, scope: str, who: str) -> None:
    """Forget a counter (e.g. a crew member's failures after a good sign-in)."""
    store.call("delete_item", TableName=store.table, Key=serialize(key(scope, who)))


# --- folded into other calls (the waiver form: one read, one transaction) ----------------------


def live(item: dict[str, Any] | None) -> Count | None:
    """The count in a counter item read elsewhere; None when missing or its window has ended."""
    if not item or int(item.get(TTL_ATTRIBUTE, 0)) <= int(clock.now().timestamp()):
        return None
    return Count(int(item.get("hits", 0)), int(item[TTL_ATTRIBUTE]))


def hit_update(
    table: str, scope: str, who: str, *, window: int, limit: int, seen: Count | None
) -> dict[str, Any]:
    """A TransactWriteItems Update that counts one hit, given what was read (`seen`).

    Its condition restates what the read found, so a race cancels the whole transaction instead
    of miscounting: a fresh window only if the old one is still missing or ended; one more hit
    only while the same window is live and below the limit.
    """
    now = int(clock.now().timestamp())
    update: dict[str, Any] = {
        "TableName": table,
        "Key": serialize(key(scope, who)),
        "ExpressionAttributeNames": {"#t": TTL_ATTRIBUTE, "#h": "hits"},
    }
    if seen is None:
        update["UpdateExpression"] = "SET #h = :one, #t = :end"
        update["ConditionExpression"] = "attribute_not_exists(#t) OR #t <= :now"
        values: dict[str, Any] = {":one": 1, ":end": now + window, ":now": now}
    else:
        update["UpdateExpression"] = "ADD #h :one"
        update["ConditionExpression"] = "#t > :now AND #h < :limit"
        values = {":one": 1, ":now": now, ":limit": limit}
    update["ExpressionAttributeValues"] = serialize(values)
    return {"Update": update}
