"""Whole-table work for admin tools (`scc init-db`, `scc lint-events`) and the tests: each reads
the table with a Scan, so no request path uses them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from scc.store import ConditionFailed, Store, changes
from scc.store.items import event_key


def partition_keys(store: Store) -> Iterator[str]:
    """Every partition key in the table (a keys-only Scan)."""
    yield from (item["eid"] for item in store.every_item("scan", ProjectionExpression="eid"))


def trips_to_upgrade(store: Store) -> Iterator[dict[str, Any]]:
    """The keys of the trip records written before the current format (a paginated Scan)."""
    return store.every_item("scan", ProjectionExpression="eid", **changes.missing_maps())


def upgrade_trips(store: Store) -> int:
    """Give every trip record written before the current format the maps its writes set
    entries inside (changes.TRIP_MAPS), empty: one paginated Scan for the records lacking
    one, then one UpdateItem each. Idempotent; answers how many records it upgraded."""
    upgrade, upgraded = changes.add_missing_maps(), 0
    for item in trips_to_upgrade(store):
        with contextlib.suppress(ConditionFailed):  # deleted or moved since: nothing to do
            store.update(event_key(item["eid"]), upgrade)
            upgraded += 1
    return upgraded
