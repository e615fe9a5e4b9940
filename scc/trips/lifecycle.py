"""A trip's day and fate: check-in (with undo), cancelling, and rescheduling to a new date."""

from __future__ import annotations

from dataclasses import replace

from scc import activity
from scc.errors import Conflict, NotFound
from scc.models import CANCELLED, Cancellation, CheckIn, Event
from scc.store import boats, changes, moves, trips
from scc.store.changes import TripChange
from scc.store.gateway import Store
from scc.trips import rules
from scc.trips.forms import Moving

CHECK_IN_WORDS = {"aboard": "aboard", "no_show": "no-show", None: "check-in cleared"}


def check_in(store: Store, event_id: str, patron_id: str, status: str | None, by: str) -> Event:
    """Mark a patron aboard or a no-show, or clear it (None: undo): one conditional write,
    guarded by the patron being on the manifest and the trip not cancelled (not by rev)."""
    words = f"{activity.PATRON}: {CHECK_IN_WORDS[status]}"
    entry = activity.entry(by, "check_in", words, patron_id=patron_id)
    record = None if status is None else CheckIn(status=status, by=by, at=entry.at)

    def refused(event: Event) -> Exception:
        if event.cancelled:
            return Conflict("This trip is cancelled; there is no boarding to check.")
        return NotFound(f"There is no patron {patron_id} on this trip.")

    write = changes.not_cancelled(changes.check_in(patron_id, record))
    return trips.change(store, event_id, TripChange(write, (entry,), refused=refused))


def cancel(store: Store, event_id: str, reason: str, seen: int | None, by: str) -> Event:
    """Cancel a trip with a reason: one write (with its boat's day given up, in the same
    transaction), refused when it is cancelled already (409) or changed since the rev the owner
    saw. Payments stay; what was paid is owed back."""
    entry = activity.entry(by, "cancelled", reason)
    cancellation = Cancellation(by=by, at=entry.at, reason=reason)
    change = TripChange(
        changes.cancel(cancellation),
        (entry,),
        rev=seen,
        refused=lambda _: Conflict("This trip is already cancelled."),
    )
    event = trips.get(store, event_id)
    if not event.boat or event.cancelled:
        return trips.change(store, event_id, change)
    after = replace(event, status=CANCELLED, cancellation=cancellation)
    guards = boats.guards(store, event, after)
    return trips.change(store, event_id, change, after=after, guards=guards)


def reschedule(store: Store, event_id: str, form: Moving, by: str) -> Event:
    """Move a trip to a new date (and period): its id follows, with everything it holds, in one
    transaction (scc.store.moves); the old id keeps a pointer to the new one."""
    whole = trips.get_collection(store, event_id)
    event = whole.event
    trips.check_rev(event, form.rev)
    if event.cancelled:
        raise Conflict("This trip is cancelled; a cancelled trip stays on its date.")
    new_id = rules.moved_id(event, form)
    day = form.day.isoformat()
    entry = activity.entry(by, "rescheduled", f"{event.date} → {day} (now {new_id})")
    period = form.period if form.period_given else event.period
    moved = replace(event, event_id=new_id, date=day, period=period)
    return moves.move(store, whole, moved, entry)
