"""DynamoDB in one place: the lazily created client, every request the app makes, and
ClientError turned into the app's own exceptions. Items are translated in scc.store.items; the
table's spec is in scc.store.tables; the writes' expressions in scc.store.changes."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, current_app

from scc import activity
from scc.errors import Conflict, Moved, NotFound, StoreError
from scc.models import Entry, Event
from scc.store import changes, tables
from scc.store.changes import Change
from scc.store.failures import ConditionFailed as ConditionFailed
from scc.store.failures import refusal
from scc.store.items import (
    EVENT_SK,
    crew_item,
    deserialize,
    event_from_item,
    event_key,
    event_to_item,
    serialize,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DEFAULT_TABLE = "shipcaptaincrew-events"
DEFAULT_REGION = "us-west-2"
KEY_ATTRIBUTES = ("eid", "crew_id")  # what a read projects to learn only whether an item exists
# A trip keeps its latest ACTIVITY_KEEP..ACTIVITY_MAX activity entries (~420 bytes each at most:
# about 60 KB), and counts the older ones it folded; the first (created) always stays. With the
# ledger's bounds (scc.payments.ledger) the record stays far below DynamoDB's 400 KB item limit.
ACTIVITY_MAX = 150
ACTIVITY_KEEP = 100
BUSY_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TransactionConflictException",
}


@functools.cache
def dynamodb_client(endpoint_url: str | None = None) -> DynamoDBClient:
    """Create the DynamoDB client once per process (never at import: cold start, and moto)."""
    import boto3
    from botocore.config import Config

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    config = Config(
        connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"}
    )
    return boto3.session.Session().client(
        "dynamodb", region_name=region or DEFAULT_REGION, endpoint_url=endpoint_url, config=config
    )


class Store:
    """The events table, reached through one boto3 client."""

    def __init__(self, table: str, endpoint_url: str | None = None) -> None:
        self.table = table
        self.endpoint_url = endpoint_url

    @functools.cached_property
    def client(self) -> DynamoDBClient:
        return dynamodb_client(self.endpoint_url)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn DynamoDB's failures into the app's exceptions."""
        try:
            yield
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "")
            if code == "ConditionalCheckFailedException":
                raw: Any = exc.response.get("Item")
                raise ConditionFailed(deserialize(raw) if raw else None) from None
            if code == "TransactionCanceledException":
                reasons = exc.response.get("CancellationReasons", [])
                failed = tuple(
                    n for n, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"
                )
                if failed:
                    raw = reasons[failed[0]].get("Item")
                    raise ConditionFailed(deserialize(raw) if raw else None, failed) from None
            if code == "ResourceNotFoundException":
                raise StoreError(
                    f"The table {self.table} does not exist yet; run `scc init-db`."
                ) from None
            if code in BUSY_CODES:
                raise StoreError("The database is busy right now; please try again.") from None
            raise StoreError("The database could not do that just now; please try again.") from exc
        except BotoCoreError as exc:
            raise StoreError("The database could not be reached; please try again.") from exc

    def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """Run one DynamoDB operation on this table's client."""
        with self._errors():
            result: dict[str, Any] = getattr(self.client, operation)(**kwargs)
        return result

    def every_item(self, operation: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item of a Query or Scan, page by page, with boto3's paginator."""
        paginator = self.client.get_paginator(operation)  # type: ignore[call-overload]
        with self._errors():
            for page in paginator.paginate(TableName=self.table, **kwargs):
                yield from map(deserialize, page.get("Items", []))

    # --- the table -------------------------------------------------------------------------------

    def create_table(self) -> bool:
        """Create the table, its index and its stream if missing; True when it was created."""
        return tables.create(self.client, self.table)

    def ensure_stream(self) -> str:
        """Turn on the stream notifications read, on a table made before them."""
        return tables.ensure_stream(self.client, self.table)

    def stream_arn(self) -> str:
        """The table's stream (make dev reads it as Lambda's event source mapping does)."""
        with self._errors():
            table = self.client.describe_table(TableName=self.table)["Table"]
        return str(table["LatestStreamArn"])

    # --- items -----------------------------------------------------------------------------------

    def get(
        self, key: Mapping[str, str], *, attributes: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        """One item by key (consistent), or None; with attributes, only those are read."""
        request = {"Key": serialize(key), "ConsistentRead": True, **projection(attributes)}
        result = self.call("get_item", TableName=self.table, **request)
        return deserialize(result["Item"]) if "Item" in result else None

    def get_many(
        self,
        keys: Iterable[Mapping[str, str]],
        *,
        complete: bool = False,
        attributes: Iterable[str] = (),
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """These items in one consistent BatchGetItem (at most 100 keys), by (eid, crew_id);
        with attributes, only those are read (the key among them). complete: refuse
        (StoreError) when DynamoDB leaves some keys unread under load."""
        wanted = [serialize(k) for k in {(k["eid"], k["crew_id"]): k for k in keys}.values()]
        request = {"Keys": wanted, "ConsistentRead": True, **projection(attributes)}
        result = self.call("batch_get_item", RequestItems={self.table: request})
        if complete and result.get("UnprocessedKeys"):
            raise StoreError("The database is busy right now; please try again.")
        items = map(deserialize, result.get("Responses", {}).get(self.table, []))
        return {(i["eid"], i["crew_id"]): i for i in items}

    def put(self, item: Mapping[str, Any], *, new: bool = False) -> None:
        """Write an item whole; new: only if no item has its key (else ConditionFailed)."""
        self.call("put_item", **self.put_request(item, new=new)["Put"])

    def delete(self, key: Mapping[str, str]) -> None:
        self.call("delete_item", TableName=self.table, Key=serialize(key))

    def take(self, key: Mapping[str, str]) -> dict[str, Any] | None:
        """Delete an item and answer it as it was (None when there was none): of two requests
        taking the same item, only one gets it."""
        result = self.call(
            "delete_item", TableName=self.table, Key=serialize(key), ReturnValues="ALL_OLD"
        )
        return deserialize(result["Attributes"]) if "Attributes" in result else None

    def collection(self, eid: str, prefix: str = "") -> Iterator[dict[str, Any]]:
        """The items of one partition (those whose sort key starts with prefix), in order."""
        condition, values = "eid = :e", {":e": eid}
        if prefix:
            condition += " AND begins_with(crew_id, :p)"
            values[":p"] = prefix
        yield from self.every_item(
            "query",
            KeyConditionExpression=condition,
            ExpressionAttributeValues=serialize(values),
            ConsistentRead=True,
        )

    # --- writes in several parts ------------------------------------------------------------------

    def put_request(
        self, item: Mapping[str, Any], *, new: bool = False, when: Change | None = None
    ) -> dict[str, Any]:
        """A Put for transact(); new: only if no item has its key; when: only while that
        change's condition holds on the item the Put replaces."""
        if new:
            when = (when or Change()).also("attribute_not_exists(eid)")
        put: dict[str, Any] = {"TableName": self.table, "Item": serialize(item)}
        if when is not None:
            put |= when.check()
        return {"Put": put}

    def delete_request(self, key: Mapping[str, str]) -> dict[str, Any]:
        return {"Delete": {"TableName": self.table, "Key": serialize(key)}}

    def update_request(self, key: Mapping[str, str], change: Change) -> dict[str, Any]:
        """An Update of any item (a counter, …) for transact() or update()."""
        return {"Update": {"TableName": self.table, "Key": serialize(key), **change.request()}}

    def check_request(self, key: Mapping[str, str], change: Change) -> dict[str, Any]:
        """A ConditionCheck for transact(): the other writes happen only while `change`'s
        condition holds on this item."""
        return {
            "ConditionCheck": {"TableName": self.table, "Key": serialize(key), **change.check()}
        }

    def update(self, key: Mapping[str, str], change: Change) -> dict[str, Any]:
        """Apply a change to an item; the item as it is after."""
        params = self.update_request(key, change)["Update"]
        result = self.call("update_item", **params, ReturnValues="ALL_NEW")
        return deserialize(result["Attributes"])

    def transact(self, writes: list[dict[str, Any]]) -> None:
        """All of these writes, or none (ConditionFailed when one's condition fails)."""
        self.call("transact_write_items", TransactItems=writes)

    # --- trips -----------------------------------------------------------------------------------

    def get_event(self, event_id: str) -> Event:
        """Read one trip's record; NotFound when there is none, Moved when it was rescheduled."""
        return self.trip_from(self.get(event_key(event_id)), event_id)

    @staticmethod
    def trip_from(item: dict[str, Any] | None, event_id: str) -> Event:
        if item is None:
            raise NotFound(f"There is no event {event_id}.")
        if "moved_to" in item:
            raise Moved(event_id, item["moved_to"])
        return event_from_item(item)

    def get_trip(self, event_id: str) -> tuple[Event, list[dict[str, Any]]]:
        """A trip's record and the other items of its collection (crew, waivers, …): one Query."""
        items = list(self.collection(event_id))
        record = next((i for i in items if i["crew_id"] == EVENT_SK), None)
        return self.trip_from(record, event_id), [i for i in items if i is not record]

    def event_update(
        self, event_id: str, change: Change, entries: Sequence[Entry]
    ) -> dict[str, Any]:
        """The Update of a trip's record that `change` makes, with what every such write adds:
        the record must exist, its version (rev) goes up by one, and `entries` (the change's
        activity, required) are appended. For update_event or transact."""
        request = self.update_request(event_key(event_id), change.on_trip(entries))
        request["Update"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return request

    def update_event(self, event_id: str, change: Change, entries: Sequence[Entry]) -> Event:
        """Apply one change to a trip's record: one conditional UpdateItem that also bumps the
        version and writes the change's activity. Answers the trip as it is now. A refusal is
        Moved, NotFound, Stale (a rev-guarded edit of an older version), else ConditionFailed
        carrying the trip as it was."""
        params = self.event_update(event_id, change, entries)["Update"]
        try:
            result = self.call("update_item", **params, ReturnValues="ALL_NEW")
        except ConditionFailed as failed:
            raise refusal(event_id, change, failed) from None
        event = event_from_item(deserialize(result["Attributes"]))
        self.keep_activity_small(event)
        return event

    def keep_activity_small(self, event: Event) -> None:
        """Past ACTIVITY_MAX entries, fold the oldest (but the first, created) so that
        ACTIVITY_KEEP remain: a second write once every few dozen changes of a busy trip. Best
        effort: when another write got in first, that writer (or the next) trims instead."""
        if len(event.activity) <= ACTIVITY_MAX:
            return
        extra = len(event.activity) - ACTIVITY_KEEP
        with contextlib.suppress(ConditionFailed, StoreError):
            self.update(event_key(event.event_id), changes.trim_activity(extra, event.rev))

    def create_event(self, event: Event) -> Event:
        """Store a new trip (with its `created` activity entry) and its crew assignments in one
        transaction; Conflict when the id is taken."""
        if not event.activity:
            event = replace(event, activity=[activity.created(event, event.created_by or "scc")])
        writes = [self.put_request(event_to_item(event), new=True)]
        writes += [self.put_request(crew_item(event, c)) for c in event.crew]
        try:
            self.transact(writes)
        except ConditionFailed:
            raise Conflict(
                f"An event with id {event.event_id} already exists.", "event_id"
            ) from None
        return event

    def replace_event(
        self,
        old: Event,
        new: Event,
        entries: Sequence[Entry],
        matched: tuple[dict[str, str], dict[str, str]] | None = None,
    ) -> Event:
        """Write an edited trip if nobody changed it since `old` was read (its rev: else Stale,
        with the trip as it is now), with the edit's activity entries: one UpdateItem, or one
        transaction with the crew assignments when they change. `matched`: the waivers matched
        to the new manifest."""
        change = changes.edit(old, new, matched)
        kept = {c.crew_id: c for c in new.crew}
        crew = [
            self.delete_request({"eid": old.event_id, "crew_id": c.crew_id})
            for c in old.crew
            if c.crew_id not in kept
        ]
        crew += [self.put_request(crew_item(new, c)) for c in new.crew if c not in old.crew]
        if not crew:  # the record alone: one UpdateItem (half a transaction's cost)
            return self.update_event(old.event_id, change, entries)
        writes = [self.event_update(old.event_id, change, entries), *crew]
        try:
            self.transact(writes)
        except ConditionFailed as failed:
            raise refusal(old.event_id, change, failed) from None
        done = replace(new, rev=old.rev + 1, activity=[*old.activity, *entries])
        if matched is not None:
            done = replace(done, waiver_by_patron=matched[0], waivers_unmatched=matched[1])
        self.keep_activity_small(done)
        return done


def projection(attributes: Iterable[str]) -> dict[str, Any]:
    """A read's ProjectionExpression for these attributes (none: the whole item)."""
    names = {f"#a{n}": name for n, name in enumerate(attributes)}
    if not names:
        return {}
    return {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}


def init_app(app: Flask) -> None:
    """Give the app its Store (the client itself is made on first use)."""
    app.extensions["scc.store"] = Store(app.config["TABLE"], app.config.get("DYNAMODB_ENDPOINT"))


def get_store() -> Store:
    """The current app's Store."""
    store: Store = current_app.extensions["scc.store"]
    return store
