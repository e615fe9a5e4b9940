"""A trip's day and fate: check-in (with undo), cancelling, and rescheduling to a new date."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scc import activity, validation
from scc.errors import Conflict, Invalid, NotFound
from scc.models import CHECK_INS, Cancellation, CheckIn, Event
from scc.store import ConditionFailed, Store, changes, failures
from scc.store.moves import move
from scc.trips import rules

CHECK_IN_WORDS = {"aboard": "aboard", "no_show": "no-show", "clear": "check-in cleared"}


def check_in(store: Store, event_id: str, patron_id: str, status: Any, by: str) -> Event:
    """Mark a patron aboard or a no-show, or clear it (undo): one conditional write, guarded by
    the patron being on the manifest and the trip not cancelled (not by rev)."""
    if status not in (*CHECK_INS, "clear"):
        raise Invalid("The check-in status must be aboard, no_show or clear.", "status")
    words = f"{activity.PATRON}: {CHECK_IN_WORDS[status]}"
    entry = activity.entry(by, "check_in", words, patron_id=patron_id)
    record = None if status == "clear" else CheckIn(status=status, by=by, at=entry.at)
    change = changes.not_cancelled(changes.check_in(patron_id, record))
    try:
        return store.update_event(event_id, change, [entry])
    except ConditionFailed as failed:
        if failed.event is not None and failed.event.cancelled:
            raise Conflict("This trip is cancelled; there is no boarding to check.") from None
        raise NotFound(f"There is no patron {patron_id} on this trip.") from None


def cancel(store: Store, event_id: str, data: dict[str, Any], by: str) -> Event:
    """Cancel a trip with a reason: one write, refused when it is cancelled already (409) or
    changed since the rev the owner saw. Payments stay; what was paid is owed back."""
    reason = validation.text(data.get("reason"), "reason", "The reason", max_len=200)
    entry = activity.entry(by, "cancelled", reason)
    change = changes.cancel(Cancellation(by=by, at=entry.at, reason=reason))
    seen = rules.rev_seen(data)
    if seen is not None:
        change = changes.guarded(change, seen)
    try:
        return store.update_event(event_id, change, [entry])
    except ConditionFailed:
        raise Conflict("This trip is already cancelled.") from None


def reschedule(store: Store, event_id: str, data: dict[str, Any], by: str) -> Event:
    """Move a trip to a new date (and period): its id follows, with everything it holds, in one
    transaction (scc.store.moves); the old id keeps a pointer to the new one."""
    event, others = store.get_trip(event_id)
    failures.check_rev(event, rules.rev_seen(data))
    if event.cancelled:
        raise Conflict("This trip is cancelled; a cancelled trip stays on its date.")
    new_id, day, period = rules.moved_id(event, data)
    entry = activity.entry(by, "rescheduled", f"{event.date} → {day.isoformat()} (now {new_id})")
    moved = replace(event, event_id=new_id, date=day.isoformat(), period=period)
    return move(store, event, others, moved, entry)
