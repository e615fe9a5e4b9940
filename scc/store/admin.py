"""The operator's whole-table tools (`scc init-db`, `scc lint-events`; the tests read the table
with them too), which Scan: never on a request path, and never run by the Lambda function."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from scc.store import changes, keys, tables
from scc.store.gateway import ConditionFailed, Store


def init_db(store: Store) -> Iterator[str]:
    """`scc init-db`: the table made or brought up to its spec and protected, then old trips
    upgraded after an on-demand backup; every run checks all of it. A line for the operator at
    each stage; RuntimeError with a sentence on what it cannot fix by itself."""
    created = store.create_table()
    yield f"{'Created' if created else 'Table already exists:'} {store.table}"
    yield f"Stream: {store.ensure_stream()}"
    for line in tables.protect(store.client, store.table):
        yield f"Protection: {line}"
    if next(old_format(store), None) is not None:
        arn = tables.backup(store.client, store.table, "before-upgrade")
        yield f"Backup before rewriting trips: {arn}"
    yield f"Trips upgraded to the current format: {upgrade_all(store)}"


def partition_keys(store: Store) -> Iterator[str]:
    """Every partition key in the table (a keys-only Scan)."""
    yield from (item["eid"] for item in store.every_item("scan", ProjectionExpression="eid"))


def old_format(store: Store) -> Iterator[dict[str, Any]]:
    """The keys of the trip records written before the current format (a paginated Scan)."""
    return store.every_item("scan", ProjectionExpression="eid", **changes.missing_maps())


def upgrade_all(store: Store) -> int:
    """Give every trip record written before the current format the maps its writes set
    entries inside (changes.TRIP_MAPS), empty: one paginated Scan for the records lacking
    one, then one UpdateItem each. Idempotent; answers how many records it upgraded."""
    upgrade, upgraded = changes.add_missing_maps(), 0
    for item in old_format(store):
        with contextlib.suppress(ConditionFailed):  # deleted or moved since: nothing to do
            store.update(keys.event(item["eid"]), upgrade)
            upgraded += 1
    return upgraded
