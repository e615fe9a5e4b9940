"""The crew roster: one item per member in the partition `#crew` (sort key: the crew id), which
no trip id can collide with."""

from __future__ import annotations

from typing import Any

from scc.models import Member
from scc.store import Store

ROSTER_PK = "#crew"


def member_from_item(item: dict[str, Any]) -> Member:
    return Member(
        crew_id=item["crew_id"],
        name=item.get("name", item["crew_id"]),
        role=item.get("role", "crew"),
        active=bool(item.get("active", True)),
    )


def members(store: Store) -> list[Member]:
    """Everyone on the roster, by crew id (one Query; empty on a new installation)."""
    return [member_from_item(item) for item in store.collection(ROSTER_PK)]
