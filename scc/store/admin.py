"""Whole-table reads for admin tools (`scc lint-events`) and the tests: a Scan, so no request
path uses it."""

from __future__ import annotations

from collections.abc import Iterator

from scc.store.gateway import Store


def partition_keys(store: Store) -> Iterator[str]:
    """Every partition key in the table (a keys-only Scan)."""
    yield from (item["eid"] for item in store.every_item("scan", ProjectionExpression="eid"))
