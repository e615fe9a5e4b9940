"""Signed waivers in DynamoDB: the two calls that sign one, and reading them back.

A waiver lives in its event's item collection (partition eid) under the sort key
`#waiver#<signed_at>#<random>`. It is written once, with a conditional put, in the same
transaction that counts it on the event record; there is no update path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from scc import clock, counters
from scc.errors import Invalid, NotFound, StoreError, Throttled
from scc.models import EVENT_SK, TTL_ATTRIBUTE, WAIVER_SK_PREFIX, Event, event_from_item
from scc.store import (
    NEW_VERSION,
    VERSION_NAMES,
    ConditionFailed,
    Store,
    deserialize,
    event_key,
    new_version_values,
    serialize,
)
from scc.waiver_form import Signer
from scc.waiver_records import Waiver, build, current_text, from_item, sort_key, to_item

SIGN_LIMIT = 10  # signatures per client IP per window
SIGN_WINDOW = 60 * 60
RATE_SCOPE = "waiver-ip"
# One item per submitted form (its one-time id), so a double tap or a resubmit after "back"
# stores nothing new. Expires through the table's TTL.
SUBMISSION_PREFIX = "#submission#"
SUBMISSION_TTL = 2 * 24 * 60 * 60
TEXT_CHANGED = (
    "The waiver has been updated since you opened this page. Please read it again before you sign."
)
# --- writing ------------------------------------------------------------------------------------


def writes(store: Store, w: Waiver) -> list[dict[str, Any]]:
    """The write-once put and the event's count, each with the condition it relies on.

    The event's `rev` moves too, so an edit based on an older read (Store.replace_event puts the
    whole record) fails instead of writing back a stale count.
    """
    return [
        {
            "Put": {
                "TableName": store.table,
                "Item": serialize(to_item(w)),
                "ConditionExpression": "attribute_not_exists(eid)",
            }
        },
        {
            "Update": {
                "TableName": store.table,
                "Key": event_key(w.event_id),
                "UpdateExpression": f"ADD waivers_signed :one SET {NEW_VERSION}",
                "ConditionExpression": "attribute_exists(eid)",
                "ExpressionAttributeNames": VERSION_NAMES,
                "ExpressionAttributeValues": serialize(new_version_values()),
            }
        },
    ]


def save(store: Store, w: Waiver, extra: list[dict[str, Any]] | None = None) -> None:
    """Store a waiver and count it on its event: one TransactWriteItems (ConditionFailed)."""
    store.call("transact_write_items", TransactItems=writes(store, w) + (extra or []))


def _submission_key(event_id: str, nonce: str) -> dict[str, str]:
    return {"eid": event_id, "crew_id": SUBMISSION_PREFIX + nonce}


def _submission_put(store: Store, w: Waiver, nonce: str) -> dict[str, Any]:
    expires = int((clock.now() + timedelta(seconds=SUBMISSION_TTL)).timestamp())
    item = {**_submission_key(w.event_id, nonce), "waiver_id": w.waiver_id, TTL_ATTRIBUTE: expires}
    return {
        "Put": {
            "TableName": store.table,
            "Item": serialize(item),
            "ConditionExpression": "attribute_not_exists(eid)",
        }
    }


@dataclass(frozen=True)
class Outcome:
    """What a submitted form came to: stored, already stored, or refused field by field."""

    event: Event
    waiver: Waiver | None = None
    duplicate_of: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _read(store: Store, event_id: str, ip: str, nonce: str) -> tuple[Event, Any, str | None]:
    """One BatchGetItem: the event, this IP's counter and this form's submission marker."""
    keys = [
        {"eid": event_id, "crew_id": EVENT_SK},
        counters.key(RATE_SCOPE, ip),
        _submission_key(event_id, nonce),
    ]
    found = store.get_many(keys, complete=True)
    event, counter, marker = (found.get((k["eid"], k["crew_id"])) for k in keys)
    if event is None:
        raise NotFound(f"There is no trip {event_id}.")
    return event_from_item(event), counters.live(counter), marker["waiver_id"] if marker else None


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
    """Sign: one read (event, IP counter, form marker), then one transaction. A race that cancels
    the transaction (another signature from this IP, the event deleted) is re-read once.

    `shown_sha256` is the hash of the text the form showed; if the text has changed since (the
    trip was renamed, a new version went live) the patron is asked to read it again.
    """
    for _ in range(2):
        event, count, earlier = _read(store, event_id, ip, nonce)
        if count is not None and count.hits >= SIGN_LIMIT:
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
        extra = [
            counters.hit_update(
                store.table, RATE_SCOPE, ip, window=SIGN_WINDOW, limit=SIGN_LIMIT, seen=count
            ),
            _submission_put(store, waiver, nonce),
        ]
        try:
            save(store, waiver, extra)
        except ConditionFailed:
            continue
        return Outcome(event, waiver=waiver)
    raise StoreError("The waiver could not be saved just now; please try again.")


# --- reading ------------------------------------------------------------------------------------


def list_for(store: Store, event_id: str) -> list[Waiver]:
    """The event's signed waivers, oldest first (one Query, paged if it ever needs to be)."""
    kwargs: dict[str, Any] = {
        "TableName": store.table,
        "KeyConditionExpression": "eid = :e AND begins_with(crew_id, :w)",
        "ExpressionAttributeValues": serialize({":e": event_id, ":w": WAIVER_SK_PREFIX}),
        "ConsistentRead": True,
    }
    found: list[Waiver] = []
    while True:
        page = store.call("query", **kwargs)
        found += [from_item(deserialize(i)) for i in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def get(store: Store, event_id: str, waiver_id: str) -> Waiver:
    result = store.call(
        "get_item",
        TableName=store.table,
        ConsistentRead=True,
        Key=serialize({"eid": event_id, "crew_id": sort_key(waiver_id)}),
    )
    if "Item" not in result:
        raise NotFound("There is no such waiver for this trip.")
    return from_item(deserialize(result["Item"]))
