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


class NoWaiver(Conflict):
    """Boarding a patron who has not signed the waiver, without saying so is meant."""


def check_in(
    store: Store,
    event_id: str,
    patron_id: str,
    status: str | None,
    by: str,
    *,
    confirm: bool = False,
) -> Event:
    """Mark a patron aboard or a no-show, or clear it (None: undo): one conditional write,
    guarded by the patron being on the manifest and the trip not cancelled (not by rev). Aboard
    needs a signed waiver matched to them (NoWaiver) unless `confirm`: then a second write
    boards them, its activity entry saying it was without one."""
    try:
        return _check_in(store, event_id, patron_id, status, by, signed=status == "aboard")
    except NoWaiver:
        if not confirm:
            raise
    return _check_in(store, event_id, patron_id, status, by, signed=False)


def _check_in(
    store: Store, event_id: str, patron_id: str, status: str | None, by: str, *, signed: bool
) -> Event:
    words = CHECK_IN_WORDS[status]
    if status == "aboard" and not signed:
        words += " without a signed waiver (confirmed)"
    entry = activity.entry(by, "check_in", f"{activity.PATRON}: {words}", patron_id=patron_id)
    record = None if status is None else CheckIn(status=status, by=by, at=entry.at)

    def refused(event: Event) -> Exception:
        patron = event.patron(patron_id)
        if event.cancelled:
            return Conflict("This trip is cancelled; there is no boarding to check.")
        if patron is None:
            return NotFound(f"There is no patron {patron_id} on this trip.")
        return NoWaiver(f"{patron.name} has not signed the waiver.")

    def done(event: Event) -> bool:
        on_board = event.patron(patron_id) is not None and not event.cancelled
        return on_board and event.check_in_of(patron_id) == status

    write = changes.not_cancelled(changes.check_in(patron_id, record, signed=signed))
    return trips.change(store, event_id, TripChange(write, (entry,), refused=refused, done=done))


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
