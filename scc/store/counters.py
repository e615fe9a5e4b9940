"""Fixed-window counters in DynamoDB (Lambda instances share no memory): sign-in throttling and
the waiver form's per-address limit. Items expire through the table's TTL; expired ones are
ignored on read because TTL deletion can lag by hours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scc import clock
from scc.store import ConditionFailed, Store
from scc.store.changes import Change
from scc.store.items import TTL_ATTRIBUTE

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


def live(item: Mapping[str, Any] | None) -> Count | None:
    """The count in a counter item; None when missing or its window has ended."""
    if not item or int(item.get(TTL_ATTRIBUTE, 0)) <= int(clock.now().timestamp()):
        return None
    return Count(int(item.get("hits", 0)), int(item[TTL_ATTRIBUTE]))


def peek(store: Store, scope: str, keys: list[str]) -> list[Count]:
    """The live counters for these keys, in one call (missing or expired count as zero)."""
    found = store.get_many([key(scope, k) for k in keys])
    return [count for count in map(live, found.values()) if count is not None]


def hit(store: Store, scope: str, who: str, window: int) -> Count:
    """Count one more hit in the current window, starting a new window when the old one ended."""
    now = int(clock.now().timestamp())
    try:
        item = store.update(key(scope, who), _more(now, window))
        return Count(int(item["hits"]), int(item[TTL_ATTRIBUTE]))
    except ConditionFailed:
        # The stored window has ended: start a fresh one.
        store.put({**key(scope, who), "hits": 1, TTL_ATTRIBUTE: now + window})
        return Count(1, now + window)


def _more(now: int, window: int) -> Change:
    return Change(
        set=("#t = if_not_exists(#t, :end)",),
        add=("hits :one",),
        condition="attribute_not_exists(#t) OR #t > :now",
        names={"#t": TTL_ATTRIBUTE},
        values={":one": 1, ":end": now + window, ":now": now},
    )


def clear(store: Store, scope: str, who: str) -> None:
    """Forget a counter (e.g. a crew member's failures after a good sign-in)."""
    store.delete(key(scope, who))


def hit_request(
    store: Store, scope: str, who: str, *, window: int, limit: int, seen: Count | None
) -> dict[str, Any]:
    """A transaction's Update that counts one hit, given what was read (`seen`).

    Its condition restates what the read found, so a race cancels the whole transaction instead
    of miscounting: a fresh window only if the old one is still missing or ended; one more hit
    only while the same window is live and below the limit.
    """
    now = int(clock.now().timestamp())
    names = {"#t": TTL_ATTRIBUTE, "#h": "hits"}
    if seen is None:
        change = Change(
            set=("#h = :one", "#t = :end"),
            condition="attribute_not_exists(#t) OR #t <= :now",
            names=names,
            values={":one": 1, ":end": now + window, ":now": now},
        )
    else:
        change = Change(
            add=("#h :one",),
            condition="#t > :now AND #h < :limit",
            names=names,
            values={":one": 1, ":now": now, ":limit": limit},
        )
    return store.update_request(key(scope, who), change)
