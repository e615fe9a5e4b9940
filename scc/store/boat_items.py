"""Boats and their days ⇄ items (the trips' translators are in scc.store.items)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scc.models import Boat
from scc.store import keys
from scc.store.items import from_map

ALL_DAY = "all day"  # the period a trip without one holds on its boat's day


def boat_to_item(boat: Boat) -> dict[str, Any]:
    return {
        **keys.boat(boat.boat_id),
        "name": boat.name,
        "capacity": boat.capacity,
        "notes": boat.notes,
        "active": boat.active,
        "gen": boat.gen,
    }


def boat_from_item(item: Mapping[str, Any]) -> Boat:
    return from_map(Boat, item, boat_id=item["crew_id"])


def period_attribute(period: str | None) -> str:
    """The attribute of a boat's day that names the trip holding this period."""
    return f"p#{period or ALL_DAY}"


def holders(item: Mapping[str, Any] | None) -> dict[str, str]:
    """A boat's day item as period -> the trip holding it."""
    return {k[2:]: str(v) for k, v in (item or {}).items() if k.startswith("p#")}
