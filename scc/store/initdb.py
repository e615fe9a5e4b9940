"""`scc init-db`: the table made or brought up to its spec and protected, then trips written in
an older format upgraded, after an on-demand backup. Safe to run again; every run checks all of
it, not only the run that creates the table."""

from __future__ import annotations

from collections.abc import Iterator

from scc.store import tables, trips
from scc.store.gateway import Store


def init_db(store: Store) -> Iterator[str]:
    """Do it, a line for the operator at each stage; RuntimeError with a sentence on what it
    cannot fix by itself."""
    created = store.create_table()
    yield f"{'Created' if created else 'Table already exists:'} {store.table}"
    yield f"Stream: {store.ensure_stream()}"
    for line in tables.protect(store.client, store.table):
        yield f"Protection: {line}"
    if next(trips.old_format(store), None) is not None:
        arn = tables.backup(store.client, store.table, "before-upgrade")
        yield f"Backup before rewriting trips: {arn}"
    yield f"Trips upgraded to the current format: {trips.upgrade_all(store)}"
