"""Signing a waiver, and reading signed waivers back.

A waiver lives in its trip's item collection (partition eid) under the sort key
`#waiver#<signed_at>#<random>`. It is written once, with a conditional put, in the same
transaction that counts it on the trip's record; there is no update path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from scc import activity, clock, matching
from scc.errors import Invalid, NotFound, StoreError, Throttled
from scc.models import Event, Signer, Waiver
from scc.store import ConditionFailed, Store, changes, counters
from scc.store.items import (
    TTL_ATTRIBUTE,
    event_key,
    waiver_from_item,
    waiver_sort_key,
    waiver_to_item,
    waivers_among,
)
from scc.waivers.records import build, current_text
from scc.web.address import network

# The form is public: a party signing on one phone or one Wi-Fi is never refused, a flood is.
TRIP_LIMIT = 40  # signatures per trip per address per hour (a party of 30 fits)
ADDRESS_LIMIT = 80  # signatures per address per hour, all trips together (floods across trips)
# Signers who match nobody on the manifest are listed on the trip's record (for "Add to
# manifest"); past this many the form asks the signer to be added first (the record's size).
UNMATCHED_MOST = 60
TOO_MANY_UNMATCHED = (
    f"This trip already has {UNMATCHED_MOST} signed waivers from people who are not on its "
    "passenger list. Please ask the crew to add you to the list, then sign again."
)
SIGN_WINDOW = 60 * 60
# One item per submitted form (its one-time id), so a double tap or a resubmit after "back"
# stores nothing new. Expires through the table's TTL.
SUBMISSION_PREFIX = "#submission#"
SUBMISSION_TTL = 2 * 24 * 60 * 60
TEXT_CHANGED = (
    "The waiver has been updated since you opened this page. Please read it again before you sign."
)


def save(store: Store, w: Waiver, event: Event, extra: list[dict[str, Any]] | None = None) -> None:
    """Store a waiver and count it on its trip, with the patrons it covers (matched to the
    manifest as read) and its activity entry: one TransactWriteItems with the write-once put
    and `extra` (ConditionFailed). The count moves the trip's version, so an edit based on an
    older read fails instead of writing back a stale count. Then, as after every write of a
    trip, its activity is kept small."""
    covered = matching.patrons_of(event.patrons, w)
    names = ", ".join(event.name_of(pid) for pid in covered) or "not on the manifest"
    entry = activity.entry(w.full_name, "waiver_signed", f"{w.full_name} signed ({names})")
    change = changes.waiver_signed(w.waiver_id, w.full_name, covered, most_unmatched=UNMATCHED_MOST)
    writes = [
        store.put_request(waiver_to_item(w), new=True),
        store.event_update(w.event_id, change, [entry]),
    ]
    store.transact(writes + (extra or []))
    store.keep_activity_small(replace(event, activity=[*event.activity, entry], rev=event.rev + 1))


def _submission_key(event_id: str, nonce: str) -> dict[str, str]:
    return {"eid": event_id, "crew_id": SUBMISSION_PREFIX + nonce}


@dataclass(frozen=True)
class Outcome:
    """What a submitted form came to: stored, already stored, or refused field by field."""

    event: Event
    waiver: Waiver | None = None
    duplicate_of: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


def limits(event_id: str, ip: str) -> list[counters.Limit]:
    """The caps a signature from this address counts against: this trip's, and all trips'."""
    where = network(ip)
    return [
        counters.Limit("waiver-trip", f"{event_id}@{where}", TRIP_LIMIT, SIGN_WINDOW),
        counters.Limit("waiver-ip", where, ADDRESS_LIMIT, SIGN_WINDOW),
    ]


def _read(
    store: Store, event_id: str, caps: list[counters.Limit], nonce: str
) -> tuple[Event, counters.Count | None, str | None]:
    """One BatchGetItem: the trip, this address's counters and this form's submission marker;
    the counters as the first one found full (None: room left)."""
    keys = [event_key(event_id), *(cap.key() for cap in caps), _submission_key(event_id, nonce)]
    stored = store.get_many(keys, complete=True)
    found = [stored.get((k["eid"], k["crew_id"])) for k in keys]
    event, marker = found[0], found[-1]
    trip = store.trip_from(event, event_id)  # NotFound, or Moved for a rescheduled trip
    full = [c for c in map(counters.full, found[1:-1], caps) if c is not None]
    waiver_id = marker["waiver_id"] if marker else None
    return trip, max(full, key=lambda c: c.resets_at, default=None), waiver_id


def submit(
    store: Store,
    event_id: str,
    *,
    ip: str,
    nonce: str,
    check: Callable[[Event], Signer],
    user_agent: str,
    shown_sha256: str | None = None,
) -> Outcome:
    """Sign: one read (trip, the address's counters, form marker), then one transaction that
    also counts the signature against each cap (refused at the cap, so racing signatures cannot
    pass it). A race that cancels the transaction (a cap reached meanwhile, the trip deleted) is
    re-read once.

    `shown_sha256` is the hash of the text the form showed; if the text has changed since (the
    trip was renamed, a new version went live) the patron is asked to read it again.
    """
    caps = limits(event_id, ip)
    for _ in range(2):
        event, count, earlier = _read(store, event_id, caps, nonce)
        if count is not None:
            minutes = (count.retry_after() + 59) // 60
            wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
            raise Throttled(
                "Too many waivers have been signed from this connection in the last "
                f"hour. Please try again in {wait}.",
                count.retry_after(),
            )
        if earlier is not None:
            return Outcome(event, duplicate_of=earlier)
        errors: dict[str, str] = {}
        try:
            signer = check(event)
        except Invalid as exc:
            errors = dict(exc.errors)
        text = current_text(event)
        if shown_sha256 is not None and shown_sha256 != text[1]:
            errors = {"waiver_text": TEXT_CHANGED, **errors}
        if errors:
            return Outcome(event, errors=errors)
        waiver = build(event, signer, ip=ip, user_agent=user_agent, text=text)
        unmatched = not matching.patrons_of(event.patrons, waiver)
        if unmatched and len(event.waivers_unmatched) >= UNMATCHED_MOST:
            return Outcome(event, errors={"full_name": TOO_MANY_UNMATCHED})
        expires = clock.epoch(clock.now() + timedelta(seconds=SUBMISSION_TTL))
        marker = {
            **_submission_key(event_id, nonce),
            "waiver_id": waiver.waiver_id,
            TTL_ATTRIBUTE: expires,
        }
        extra = [*(counters.take_request(store, cap) for cap in caps)]
        extra.append(store.put_request(marker, new=True))
        try:
            save(store, waiver, event, extra)
        except ConditionFailed:
            continue
        return Outcome(event, waiver=waiver)
    raise StoreError("The waiver could not be saved just now; please try again.")


def trip_with_waivers(store: Store, event_id: str) -> tuple[Event, list[Waiver]]:
    """The trip and its signed waivers, oldest first: one Query of its item collection."""
    event, others = store.get_trip(event_id)
    return event, waivers_among(others)


def get(store: Store, event_id: str, waiver_id: str) -> Waiver:
    item = store.get({"eid": event_id, "crew_id": waiver_sort_key(waiver_id)})
    if item is None:
        raise NotFound("There is no such waiver for this trip.")
    return waiver_from_item(item)
