"""Which stream records the notifier reads, said once.

`scc.notify.notices` sends each record down the route it takes; the deploy's event source mapping
(`deploy.streams`) and `make dev`'s stream reader (`scc.dev.stream`) filter the stream with the
FilterCriteria made from the same routes. So a record a notice needs is never discarded before
the function runs, and the function is not woken for the records it never reads (counters, the
sent-markers it writes itself, crew items, removals).

Lambda's filters (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html):
"If none of your filters are satisfied, Lambda discards the record"; a pattern can test only
leaf values ("exists" works on leaf nodes only), and a trip's `moved_from` is a list. So a route
names the event and the sort key; what the images say is the notifier's to read. A new trip's
record passes with the rescheduled ones (an INSERT of `#event`), and says nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scc.store.keys import EVENT_SK, WAIVER_PREFIX


@dataclass(frozen=True)
class Route:
    """One kind of record the notifier reads: its event name and its sort key (`crew_id`),
    equal to `sort_key`, or starting with it when `prefix`."""

    name: str  # the reader in scc.notify.notices
    event: str  # INSERT, MODIFY or REMOVE
    sort_key: str
    prefix: bool = False
    notices: str = ""  # what may come of it, for people (the plan, the docs)

    def pattern(self) -> dict[str, Any]:
        """The route as a Lambda filter pattern."""
        value: Any = {"prefix": self.sort_key} if self.prefix else self.sort_key
        return {"eventName": [self.event], "dynamodb": {"Keys": {"crew_id": {"S": [value]}}}}

    def takes(self, record: Mapping[str, Any]) -> bool:
        if record.get("eventName") != self.event:
            return False
        crew_id = sort_key(record)
        return crew_id.startswith(self.sort_key) if self.prefix else crew_id == self.sort_key


ROUTES = (
    Route(
        "trip_changed",
        "MODIFY",
        EVENT_SK,
        notices="a payment logged, voided or refunded (the admin); the trip cancelled, or moved "
        "back to this id (its patrons)",
    ),
    Route(
        "trip_arrived",
        "INSERT",
        EVENT_SK,
        notices="a rescheduled trip at its new id (its patrons)",
    ),
    Route(
        "waiver_signed",
        "INSERT",
        WAIVER_PREFIX,
        prefix=True,
        notices="a signed waiver (the admin, and the signer's copy)",
    ),
)


def sort_key(record: Mapping[str, Any]) -> str:
    keys = (record.get("dynamodb") or {}).get("Keys") or {}
    return str((keys.get("crew_id") or {}).get("S", ""))


def route_of(record: Mapping[str, Any]) -> Route | None:
    """The route a stream record takes; None for a record no notice can come of."""
    return next((route for route in ROUTES if route.takes(record)), None)


def filter_criteria() -> dict[str, Any]:
    """The event source mapping's FilterCriteria: a record passes when any route's pattern
    matches it."""
    return {"Filters": [{"Pattern": json.dumps(route.pattern())} for route in ROUTES]}
