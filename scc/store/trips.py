"""Trips: reading a trip, and the one way to change it.

Every change to a trip's record — an edit, a payment, a void, a refund, a check-in, a waiver
signed, a cancellation — goes through change(): one conditional write that holds only while the
record exists, is not a rescheduled trip's pointer and, when the change says so, is still at the
version it was computed from. The same write bumps the version and appends the change's
activity entries. A refusal comes back as what it means: NotFound, Moved, Stale, or the
change's own explanation. New trips (create) and moved ones (scc.store.moves) are written whole,
their version and activity set here too."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from scc import activity
from scc.errors import Conflict, Contended, Moved, NotFound, Stale, StoreError
from scc.models import Event, Waiver
from scc.store import boats, changes, keys, ledger_changes
from scc.store.changes import Change, Guard, TripChange
from scc.store.gateway import ConditionFailed, Store
from scc.store.items import (
    crew_item,
    entry_to_map,
    event_from_item,
    event_to_item,
    waiver_from_item,
)

# A trip keeps its latest ACTIVITY_KEEP..ACTIVITY_MAX activity entries (~420 bytes each at most:
# about 60 KB), and counts the older ones it folded; the first (created) always stays. With the
# ledger's bounds (scc.payments.ledger) the record stays far below DynamoDB's 400 KB item limit.
ACTIVITY_MAX = 150
ACTIVITY_KEEP = 100
# One trim drops at most this many entries: its REMOVE clause (`#act[n]` each) stays far inside
# DynamoDB's 4 KB expression limit however far trims fell behind (racing writes); the next
# writes trim the rest. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
TRIM_MOST = 100
# Each write of a trip's record leaves its own random token there: a write sent again after its
# answer was lost (botocore retries it; a TransactWriteItems' ClientRequestToken covers only
# transactions) finds its token and knows it landed.
WRITE_TOKEN = "write_token"  # noqa: S105 - an attribute name


@dataclass(frozen=True)
class Collection:
    """A trip read whole: its record, its signed waivers, and every other item of its collection
    as stored (what a reschedule moves)."""

    event: Event
    waivers: list[Waiver]
    items: list[dict[str, Any]]


def from_item(item: dict[str, Any] | None, event_id: str) -> Event:
    """The trip a record read says: NotFound when there is none, Moved for a pointer."""
    if item is None:
        raise NotFound(f"There is no event {event_id}.")
    if "moved_to" in item:
        raise Moved(event_id, item["moved_to"])
    return event_from_item(item)


def get(store: Store, event_id: str) -> Event:
    """One trip's record (one GetItem)."""
    return from_item(store.get(keys.event(event_id)), event_id)


def get_collection(store: Store, event_id: str) -> Collection:
    """A trip's record and the other items of its collection (crew, waivers, …): one Query."""
    items = list(store.collection(event_id))
    record = next((i for i in items if i["crew_id"] == keys.EVENT_SK), None)
    others = [i for i in items if i is not record]
    waivers = [waiver_from_item(i) for i in others if keys.is_waiver(i["crew_id"])]
    return Collection(from_item(record, event_id), waivers, others)


def exists(store: Store, event_id: str) -> bool:
    """Whether a trip (or a moved trip's pointer) holds this id: its key alone, one GetItem."""
    return store.get(keys.event(event_id), attributes=keys.KEY_ATTRIBUTES) is not None


def taken(store: Store, event_ids: Iterable[str]) -> set[str]:
    """Which of these ids a trip (or a moved trip's pointer) holds: their keys alone, one
    BatchGetItem (at most 100 ids)."""
    found = store.get_many(map(keys.event, event_ids), attributes=keys.KEY_ATTRIBUTES)
    return {eid for eid, _ in found}


def check_rev(event: Event, seen: int | None) -> None:
    """A change computed from version `seen` of the trip (None: whatever its version) against
    the trip as it is: one changed since is Stale, saying who changed it, with the trip now."""
    if seen is not None and seen != event.rev:
        raise Stale(activity.stale(event), event)


def _full(change: TripChange, token: str) -> Change:
    """The change as written: its own clauses and condition, and what every change to a trip
    carries: the record exists and is no pointer (and is still at the rev the change was
    computed from, when it says), its version goes up by one, its activity entries are added."""
    if not change.entries:
        raise ValueError("A change to a trip is written with its activity entry.")
    guard = "attribute_exists(eid) AND attribute_not_exists(#moved)"
    seen: dict[str, Any] = {}
    if change.rev is not None:
        guard += " AND #rev = :seen"
        seen = {":seen": change.rev}
    new = [entry_to_map(e) for e in change.entries]
    names = {"#moved": "moved_to", "#rev": "rev", "#act": "activity", "#token": WRITE_TOKEN}
    full = change.update.also(
        guard, names, {**seen, ":token": token, ":one": 1, ":none": [], ":new": new}
    )
    bump = ("#rev = #rev + :one", "#act = list_append(if_not_exists(#act, :none), :new)")
    return replace(full, set=(*full.set, *bump, "#token = :token"))


def refusal(
    event_id: str,
    rev: int | None,
    item: dict[str, Any] | None,
    refused: Callable[[Event], Exception] = lambda _: Contended(),
) -> Exception:
    """What a refused write of a trip's record means, from the record as it was: NotFound,
    Moved, Stale (the write was computed from version `rev`, and it is no longer), else what
    `refused` says of the trip."""
    try:
        event = from_item(item, event_id)
        check_rev(event, rev)
    except (NotFound, Moved, Stale) as exc:
        return exc
    return refused(event)


def change(
    store: Store,
    event_id: str,
    change: TripChange,
    *,
    writes: Sequence[dict[str, Any]] = (),
    after: Event | None = None,
    guards: Sequence[Guard] = (),
) -> Event:
    """Make one change to a trip: one UpdateItem answering the trip as it is now; or, with other
    `writes` that must happen with it (crew items, a waiver, counters) or `guards` (its boat's),
    one transaction, which answers nothing: the trip is then `after` (as the caller made it) at
    its new version."""
    token = secrets.token_hex(8)
    key, full = keys.event(event_id), _full(change, token)
    try:
        if writes or guards:
            if after is None:
                raise ValueError("A change written with other writes says what the trip becomes.")
            store.transact([store.update_request(key, full), *writes], guards)
            event = replace(after, rev=after.rev + 1, activity=[*after.activity, *change.entries])
        else:
            event = event_from_item(store.update(key, full))
    except ConditionFailed as failed:
        if failed.failed and failed.failed[0] != 0:  # one of its other writes (not a guard)
            raise Contended() from None
        already = written_already(change, token, failed.item)
        if already is None:
            raise refusal(event_id, change.rev, failed.item, change.refused) from None
        return already
    keep_activity_small(store, event)
    return event


def written_already(change: TripChange, token: str, item: dict[str, Any] | None) -> Event | None:
    """The trip, when a refused change finds it already as the change makes it: its own write
    token is on it (the write landed and was sent again because its answer was lost), or the
    change says it is done (the same check-in twice). None: a real refusal."""
    if item is None or "moved_to" in item:
        return None
    event = event_from_item(item)
    return event if item.get(WRITE_TOKEN) == token or change.done(event) else None


def create(store: Store, event: Event) -> Event:
    """Store a new trip (with its `created` activity entry) and its crew assignments in one
    transaction, with its boat's guards (scc.store.boats); Conflict when the id is taken."""
    if not event.activity:
        event = replace(event, activity=[activity.created(event, event.created_by or "scc")])
    token = secrets.token_hex(8)
    record = store.put_request({**event_to_item(event), WRITE_TOKEN: token}, new=True)
    writes = [record, *(store.put_request(crew_item(event, c)) for c in event.crew)]
    try:
        store.transact(writes, boats.guards(store, None, event))
    except ConditionFailed as failed:  # the record's Put: the crew's have no condition
        if failed.item is None or failed.item.get(WRITE_TOKEN) != token:
            taken = f"An event with id {event.event_id} already exists."
            raise Conflict(taken, "event_id") from None
    return event


def put_whole(store: Store, events: Iterable[Event]) -> None:
    """Write trips as they are, history and all, with their crew assignments: unconditional
    batch writes, for seeding a table (make dev's demo), never for the app's own changes."""
    items = []
    for event in events:
        items += [event_to_item(event), *(crew_item(event, c) for c in event.crew)]
    store.write_batch(puts=items)


def edit(
    store: Store,
    old: Event,
    new: Event,
    entries: Sequence[Any],
    matched: tuple[dict[str, str], dict[str, str]] | None = None,
) -> Event:
    """Write an edited trip if nobody changed it since `old` was read (else Stale, with the
    trip as it is now): the record, and the crew assignments that change with it in the same
    transaction. `matched`: the waivers matched to the new manifest."""
    edit = TripChange(changes.edit(old, new, matched), tuple(entries), rev=old.rev)
    kept = {c.crew_id for c in new.crew}
    crew = [
        store.delete_request(keys.in_trip(old.event_id, c.crew_id))
        for c in old.crew
        if c.crew_id not in kept
    ]
    crew += [store.put_request(crew_item(new, c)) for c in new.crew if c not in old.crew]
    if matched is not None:
        new = replace(new, waiver_by_patron=matched[0], waivers_unmatched=matched[1])
    after = replace(new, rev=old.rev, activity=old.activity)
    guards = boats.guards(store, old, new)
    return change(store, old.event_id, edit, writes=crew, after=after, guards=guards)


def mark_cleared(store: Store, event_id: str) -> Event | None:
    """Set the stored payment_cleared, kept for readers of the table other than this app, if
    the trip is still paid up when this lands (not a change of the trip: no version, no entry).
    None when a void came in between: the stored flag rightly stays false."""
    try:
        return event_from_item(store.update(keys.event(event_id), ledger_changes.cleared()))
    except ConditionFailed:
        return None


def keep_activity_small(store: Store, event: Event) -> None:
    """Past ACTIVITY_MAX entries, fold the oldest (but the first, created) so that
    ACTIVITY_KEEP remain, at most TRIM_MOST at a time: a second write once every few dozen
    changes of a busy trip. Best effort: when another write got in first, that writer (or the
    next) trims instead."""
    if len(event.activity) <= ACTIVITY_MAX:
        return
    extra = min(len(event.activity) - ACTIVITY_KEEP, TRIM_MOST)
    with contextlib.suppress(ConditionFailed, StoreError):
        store.update(keys.event(event.event_id), changes.trim_activity(extra, event.rev))
