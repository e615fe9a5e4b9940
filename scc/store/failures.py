"""Refused writes: ConditionFailed (what DynamoDB returned of the item, and which writes of a
transaction failed), and what a refused write of a trip's record means to the app."""

from __future__ import annotations

from typing import Any

from scc import activity
from scc.errors import Moved, NotFound, Stale
from scc.models import Event
from scc.store.changes import Change
from scc.store.items import event_from_item


class ConditionFailed(Exception):
    """A conditional write did not apply; carries the item as it was, when DynamoDB returned it,
    and for a transaction which of its writes failed (their indexes)."""

    def __init__(self, item: dict[str, Any] | None, failed: tuple[int, ...] = ()) -> None:
        super().__init__("condition failed")
        self.item = item
        self.failed = failed

    @property
    def event(self) -> Event | None:
        """The trip as it was, for a refused write of a trip's record (None: there is none)."""
        return event_from_item(self.item) if self.item else None


def stale(event: Event) -> Stale:
    """The one answer to a change based on an older version of the trip: who changed it since,
    and the trip as it is now."""
    return Stale(activity.stale(event), event)


def check_rev(event: Event, seen: int | None) -> None:
    """Before a change computed from a read: the editor saw version `seen` (None: they did not
    say); a trip changed since is stale(). The write is then guarded on the rev read
    (changes.guarded), and refused the same way when another write got in between (refusal)."""
    if seen is not None and seen != event.rev:
        raise stale(event)


def refusal(event_id: str, change: Change, failed: ConditionFailed) -> Exception:
    """Say why a write of a trip's record was refused, from the record as it was: NotFound,
    Moved (rescheduled), Stale (a rev-guarded edit of an older version), else `failed` itself."""
    item = failed.item
    if item is None:
        return NotFound(f"There is no event {event_id}.")
    if "moved_to" in item:
        return Moved(event_id, item["moved_to"])
    if ":seen" in change.values and int(item.get("rev", 0)) != change.values[":seen"]:
        return stale(event_from_item(item))
    return failed
