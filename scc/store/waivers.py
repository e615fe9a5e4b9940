"""Signed waivers: each written once, in its trip's item collection, in the same transaction as
the change that counts it on the trip (scc.store.trips.change), the signer's caps and the form's
marker; and read back."""

from __future__ import annotations

from collections.abc import Sequence

from scc.errors import NotFound
from scc.models import Event, Waiver
from scc.store import counters, keys, markers, trips
from scc.store.changes import TripChange
from scc.store.gateway import Store
from scc.store.items import waiver_from_item, waiver_to_item


def read_for_signing(
    store: Store, event_id: str, caps: list[counters.Limit], form_id: str
) -> tuple[Event, counters.Count | None, str | None]:
    """One BatchGetItem: the trip, the signer's counters and the form's marker (for a
    rescheduled trip, a second one: the marker under its earlier ids). The trip
    (NotFound, Moved), the counters as the first one found full (None: room left), and the
    waiver the form stored already (None: it was not sent before)."""
    wanted = [
        keys.event(event_id),
        *(cap.key() for cap in caps),
        keys.submission(event_id, form_id),
    ]
    stored = store.get_many(wanted, complete=True)
    found = [stored.get((k["eid"], k["crew_id"])) for k in wanted]
    event, marker = trips.from_item(found[0], event_id), found[-1]
    if marker is None and event.moved_from:
        # A form sent before a reschedule left its marker under the trip's earlier id.
        earlier = store.get_many(keys.submission(e, form_id) for e in event.moved_from)
        marker = next(iter(earlier.values()), None)
    full = [c for c in map(counters.full, found[1:-1], caps) if c is not None]
    waiver_id = marker["waiver_id"] if marker else None
    return event, max(full, key=lambda c: c.resets_at, default=None), waiver_id


def save(
    store: Store,
    waiver: Waiver,
    event: Event,
    change: TripChange,
    *,
    caps: Sequence[counters.Limit] = (),
    form: tuple[str, int] | None = None,
) -> None:
    """Store a waiver with the change that counts it on its trip (read as `event`), one attempt
    against each cap, and the form's marker (its id, and until when it is kept): all or none.
    Contended when a cap filled or the form was sent meanwhile: read again."""
    writes = [store.put_request(waiver_to_item(waiver), new=True)]
    writes += [counters.take_request(store, cap) for cap in caps]
    if form is not None:
        writes.append(markers.submission(store, event.event_id, form[0], waiver.waiver_id, form[1]))
    trips.change(store, event.event_id, change, writes=writes, after=event)


def get(store: Store, event_id: str, waiver_id: str) -> Waiver:
    item = store.get(keys.waiver(event_id, waiver_id))
    if item is None:
        raise NotFound("There is no such waiver for this trip.")
    return waiver_from_item(item)
