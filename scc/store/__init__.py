"""DynamoDB, and nothing else, lives here: the gateway (scc.store.gateway: the one client, every
request, the one error mapping) and the repositories that speak the app's language over it:
trips (scc.store.trips, scc.store.moves), the board (scc.store.board), the roster, counters,
passkey challenges and markers. Keys are in scc.store.keys; items ⇄ dataclasses in
scc.store.items; the writes' expressions in scc.store.changes and scc.store.ledger_changes."""

from __future__ import annotations

from flask import Flask, current_app

from scc.store.gateway import DEFAULT_TABLE as DEFAULT_TABLE
from scc.store.gateway import Store as Store


def init_app(app: Flask) -> None:
    """Give the app its Store (the client itself is made on first use)."""
    app.extensions["scc.store"] = Store(app.config["TABLE"], app.config.get("DYNAMODB_ENDPOINT"))


def get_store() -> Store:
    """The current app's Store."""
    store: Store = current_app.extensions["scc.store"]
    return store
