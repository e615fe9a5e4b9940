"""Rescheduling: a trip's item collection moves to its new id in one TransactWriteItems.

The transaction puts the new record (refused if the id is taken, but for the trip's own
pointer when it moves back to an earlier id), turns the old record into a pointer (`moved_to`,
refused if the trip changed since it was read), points the trip's earlier
ids there too, and copies its crew assignments and signed waivers. DynamoDB takes at most 100
writes in a transaction: when the copies' deletions fit as well they are in it; past that the
old copies are deleted right after (they sit under a pointer, where nothing reads them), and a
trip with more than MAX_COPIES items to move is refused with a sentence that says so.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace

from scc.errors import Conflict, StoreError
from scc.models import Entry, Event
from scc.store import boats, changes, keys, trips
from scc.store.gateway import ConditionFailed, Store
from scc.store.items import crew_item, event_to_item

TRANSACTION_MOST = 100
# The new record, the old one's pointer, up to MAX_EARLIER earlier pointers and the boat's
# guards (scc.store.boats.guards: at most MAX_GUARDS) leave this many writes for the copies.
MAX_EARLIER = 8
MAX_GUARDS = 3
MAX_COPIES = TRANSACTION_MOST - 2 - MAX_EARLIER - MAX_GUARDS


def move(store: Store, whole: trips.Collection, moved: Event, entry: Entry) -> Event:
    """Move a trip (read whole) to `moved` (its new id, date and period). Conflict when the new
    id is taken or the trip has too much to move in one transaction; Stale when it changed since
    it was read. Crew assignments and signed waivers move; counters and markers (which expire)
    stay."""
    event, old_id = whole.event, whole.event.event_id
    items = [
        i for i in whole.items if keys.is_assignment(i["crew_id"]) or keys.is_waiver(i["crew_id"])
    ]
    if len(items) > MAX_COPIES or len(event.moved_from) > MAX_EARLIER:
        raise Conflict(
            f"This trip has {len(items)} crew assignments and signed waivers; one reschedule "
            f"can move at most {MAX_COPIES}. Nothing was changed. Create the trip on the new "
            "date and send its waiver link again."
        )
    # Back to one of its earlier ids (A → B → A): that id's pointer gives way to the record.
    earlier = [e for e in event.moved_from if e != moved.event_id]
    new = replace(
        moved,
        moved_from=[*earlier, old_id],
        activity=[*event.activity, entry],
        rev=event.rev + 1,
    )
    # What the trip leaves at its old id: where it went (off the board).
    where = {"moved_to": new.event_id, "moved_by": entry.by, "moved_at": entry.at}
    pointer = {**keys.event(old_id), "date": event.date, **where}
    old = store.put_request(pointer, when=changes.moved_out(event.rev))
    writes = [store.put_request(event_to_item(new), when=changes.moved_in(old_id)), old]
    writes += [  # the trip's earlier ids point straight to the new one
        store.put_request({**pointer, **keys.event(e)}) for e in earlier
    ]
    for item in items:
        if keys.is_waiver(item["crew_id"]):
            writes.append(store.put_request({**item, "eid": new.event_id, "moved_from": old_id}))
    writes += [store.put_request(crew_item(new, c)) for c in new.crew]
    guards = boats.guards(store, event, new)  # the boat's day: the old one's place, the new one's
    later = [keys.in_trip(old_id, i["crew_id"]) for i in items]  # the old copies, if they don't fit
    if len(writes) + len(later) + len(guards) <= TRANSACTION_MOST:
        writes, later = writes + [store.delete_request(k) for k in later], []
    try:
        store.transact(writes, guards)
    except ConditionFailed as failed:
        if 0 in failed.failed:
            raise Conflict(
                f"There is already a trip {new.event_id}; choose another date or period.",
                "date",
            ) from None
        raise trips.refusal(old_id, event.rev, failed.item) from None
    # Past what one transaction holds: the old copies sit under a pointer, where nothing reads
    # them; best effort.
    with contextlib.suppress(StoreError):
        store.write_batch(deletes=later)
    return new
