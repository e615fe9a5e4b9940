"""Fixed-window counters in DynamoDB (Lambda instances share no memory): the sign-in throttle, the
waiver form's caps and the signer copies' cap.

A counter is one item per window: its key names the window (`now // window`), so a new window is
simply a new item and nothing ever has to be reset. An attempt is *taken* with a conditional
increment that is refused once the count has reached the limit, so however many requests race,
no more than `limit` get through. Items expire through the table's TTL; expired ones are ignored
on read because TTL deletion can lag by hours."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scc import clock
from scc.store import keys
from scc.store.changes import Change
from scc.store.gateway import ConditionFailed, Store
from scc.store.keys import TTL_ATTRIBUTE


@dataclass(frozen=True)
class Count:
    hits: int
    resets_at: int  # epoch seconds

    def retry_after(self) -> int:
        return max(1, self.resets_at - clock.epoch())


@dataclass(frozen=True)
class Limit:
    """At most `limit` attempts by `who` (an address, a crew id and address, …) in each window
    of `window` seconds, counted under `scope`."""

    scope: str
    who: str
    limit: int
    window: int

    def key(self, now: int | None = None) -> dict[str, str]:
        """The counter item of the window holding `now`."""
        moment = clock.epoch() if now is None else now
        return keys.counter(self.scope, self.who, moment // self.window)

    def ends(self, now: int) -> int:
        """When the window holding `now` ends (epoch seconds)."""
        return (now // self.window + 1) * self.window


def live(item: Mapping[str, Any] | None) -> Count | None:
    """The count in a counter item; None when missing or its window has ended."""
    if not item or int(item.get(TTL_ATTRIBUTE, 0)) <= clock.epoch():
        return None
    return Count(int(item.get("hits", 0)), int(item[TTL_ATTRIBUTE]))


def full(item: Mapping[str, Any] | None, limit: Limit) -> Count | None:
    """The count in a counter item read earlier, when it has reached its limit."""
    count = live(item)
    return count if count is not None and count.hits >= limit.limit else None


def take_request(store: Store, limit: Limit) -> dict[str, Any]:
    """An Update (for a transaction) that counts one attempt, refused (the transaction with it)
    once the window's count has reached the limit."""
    now = clock.epoch()
    change = Change(
        add=("#h :one",),
        condition="attribute_not_exists(#h) OR #h < :limit",
        names={"#h": "hits"},
        values={":one": 1, ":limit": limit.limit},
    ).assign({TTL_ATTRIBUTE: limit.ends(now)})
    return store.update_request(limit.key(now), change)


def take(store: Store, limits: Sequence[Limit]) -> int | None:
    """Count one attempt on each of these counters, all or none, in one write. None when taken;
    else the seconds until the attempt may be made again (some counter is at its limit)."""
    requests = [take_request(store, limit) for limit in limits]
    try:
        if len(requests) == 1:
            store.call("update_item", **requests[0]["Update"])
        else:
            store.transact(requests)
    except ConditionFailed:
        now = clock.epoch()
        return max(1, max(limit.ends(now) for limit in limits) - now)
    return None


def give_back(store: Store, limit: Limit, attempts: int = 1) -> None:
    """Un-count attempts (ones that succeeded, or that never got to be made); nothing when the
    window holds fewer (it began after they were counted)."""
    change = Change(
        add=("#h :less",),
        condition="#h >= :n",
        names={"#h": "hits"},
        values={":less": -attempts, ":n": attempts},
    )
    with contextlib.suppress(ConditionFailed):  # nothing to give back
        store.update(limit.key(), change)


def forget(store: Store, limit: Limit) -> None:
    """Drop the current window's count (a member's failures from an address, once they sign in)."""
    store.delete(limit.key())
