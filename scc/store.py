"""DynamoDB access in one place: the lazily created client, (de)serialization, and ClientError
turned into the app's own exceptions. The table's spec and creation live in scc.tables."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import DYNAMODB_CONTEXT, TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app

from scc import tables
from scc.errors import Conflict, NotFound, StoreError
from scc.models import (
    BOARD_PK,
    BY_DATE_INDEX,
    EVENT_SK,
    Event,
    event_from_item,
    event_to_item,
    new_etag,
)
from scc.tables import table_spec as table_spec  # re-exported: the spec's old home

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DEFAULT_TABLE = "shipcaptaincrew-events"
DEFAULT_REGION = "us-west-2"
WHEN = ("upcoming", "today", "past", "all")
BOARD_LIMIT = 200

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


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
        "dynamodb",
        region_name=region or DEFAULT_REGION,
        endpoint_url=endpoint_url,
        config=config,
    )


def serialize(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _typed(v) for k, v in item.items()}


def _typed(value: Any) -> Any:
    """One value as DynamoDB types it, as boto3's TypeSerializer does (tests hold the two equal):
    strings, flags, nothing, maps and lists here; numbers, sets and bytes go to boto3, which
    checks them (no floats, no inexact numbers)."""
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is dict:
        return {"M": {k: _typed(v) for k, v in value.items()}}
    if kind is list or kind is tuple:
        return {"L": [_typed(v) for v in value]}
    if kind is bool:
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    return _serializer.serialize(value)


def deserialize(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in item.items()}


def _plain(value: Any) -> Any:
    """One typed value as Python, as boto3's TypeDeserializer gives it (tests hold the two
    equal). The kinds SCC stores are translated here, at a third of the cost: reading an event
    is on every write's path. Sets and binary go to boto3."""
    [(kind, inner)] = value.items()
    if kind == "S" or kind == "BOOL":
        return inner
    if kind == "N":
        return DYNAMODB_CONTEXT.create_decimal(inner)
    if kind == "M":
        return {k: _plain(v) for k, v in inner.items()}
    if kind == "L":
        return [_plain(v) for v in inner]
    if kind == "NULL":
        return None
    return _deserializer.deserialize(value)


def event_key(event_id: str) -> dict[str, Any]:
    """The typed key of an event's record."""
    return {"eid": {"S": event_id}, "crew_id": {"S": EVENT_SK}}


# Every write of an event record makes a new version of it: rev + 1 and a fresh etag (what
# scc.fragments remembers rendered HTML by). Updates SET this clause with these names and values.
NEW_VERSION = "#rev = #rev + :one, #tag = :tag"
VERSION_NAMES = {"#rev": "rev", "#tag": "etag"}


def new_version_values() -> dict[str, Any]:
    return {":one": 1, ":tag": new_etag()}


def to_event(item: dict[str, Any]) -> Event:
    """An event from its record as DynamoDB typed it."""
    return event_from_item(deserialize(item))


class ConditionFailed(Exception):
    """A conditional write did not apply; carries the item as it was, when DynamoDB returned it."""

    def __init__(self, item: dict[str, Any] | None) -> None:
        super().__init__("condition failed")
        self.item = item


class Store:
    """The events table, reached through one boto3 client."""

    def __init__(self, table: str, endpoint_url: str | None = None) -> None:
        self.table = table
        self.endpoint_url = endpoint_url

    @functools.cached_property
    def client(self) -> DynamoDBClient:
        """The process's client for this endpoint (bench swaps in an in-memory responder)."""
        return dynamodb_client(self.endpoint_url)

    def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """Run one DynamoDB operation, turning its failures into the app's exceptions."""
        try:
            result: dict[str, Any] = getattr(self.client, operation)(**kwargs)
            return result
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "")
            if code == "ConditionalCheckFailedException":
                raw: Any = exc.response.get("Item")
                raise ConditionFailed(deserialize(raw) if raw else None) from None
            if code == "TransactionCanceledException":
                reasons = exc.response.get("CancellationReasons", [])
                if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons):
                    raw = next((r.get("Item") for r in reasons if r.get("Item")), None)
                    raise ConditionFailed(deserialize(raw) if raw else None) from None
            if code == "ResourceNotFoundException":
                raise StoreError(
                    f"The table {self.table} does not exist yet; run `scc init-db`."
                ) from None
            if code in {
                "ProvisionedThroughputExceededException",
                "ThrottlingException",
                "RequestLimitExceeded",
                "TransactionConflictException",
            }:
                raise StoreError("The database is busy right now; please try again.") from None
            raise StoreError("The database could not do that just now; please try again.") from exc
        except BotoCoreError as exc:
            raise StoreError("The database could not be reached; please try again.") from exc

    # --- table ----------------------------------------------------------------------------------

    def create_table(self) -> bool:
        """Create the table, its index and its stream if missing; True when it was created."""
        return tables.create(self.client, self.table)

    def ensure_stream(self) -> str:
        """Turn on the stream notifications read, on a table made before them."""
        return tables.ensure_stream(self.client, self.table)

    # --- events ---------------------------------------------------------------------------------

    def create_event(self, event: Event) -> Event:
        """Store a new event and its crew assignments; Conflict when the id is taken."""
        event = replace(event, etag=new_etag())
        puts: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": serialize(event_to_item(event)),
                    "ConditionExpression": "attribute_not_exists(eid)",
                }
            }
        ]
        puts += [self._crew_put(event, c.crew_id, c.role) for c in event.crew]
        try:
            self.call("transact_write_items", TransactItems=puts)
        except ConditionFailed:
            raise Conflict(
                f"An event with id {event.event_id} already exists.", "event_id"
            ) from None
        return event

    def _crew_put(self, event: Event, crew_id: str, role: str) -> dict[str, Any]:
        item = {"eid": event.event_id, "crew_id": crew_id, "role": role, "date": event.date}
        return {"Put": {"TableName": self.table, "Item": serialize(item)}}

    def get_event(self, event_id: str) -> Event:
        """Read one event record; NotFound when there is none."""
        return to_event(self.get_event_item(event_id))

    def get_event_item(self, event_id: str) -> dict[str, Any]:
        """One event record as DynamoDB typed it (see to_event); NotFound when there is none."""
        result = self.call(
            "get_item",
            TableName=self.table,
            Key=event_key(event_id),
            ConsistentRead=True,
        )
        if "Item" not in result:
            raise NotFound(f"There is no event {event_id}.")
        item: dict[str, Any] = result["Item"]
        return item

    def get_many(
        self, keys: list[dict[str, str]], *, complete: bool = False
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """Read these items in one consistent BatchGetItem (at most 100 keys), by (eid, crew_id).
        complete: refuse (StoreError) when DynamoDB leaves some keys unread under load."""
        wanted = [serialize(k) for k in {(k["eid"], k["crew_id"]): k for k in keys}.values()]
        result = self.call(
            "batch_get_item",
            RequestItems={self.table: {"Keys": wanted, "ConsistentRead": True}},
        )
        if complete and result.get("UnprocessedKeys"):
            raise StoreError("The database is busy right now; please try again.")
        items = map(deserialize, result.get("Responses", {}).get(self.table, []))
        return {(i["eid"], i["crew_id"]): i for i in items}

    def list_events(self, when: str, today: str) -> list[Event]:
        """The board's events (see board_items)."""
        return [to_event(item) for item in self.board_items(when, today)]

    def board_items(self, when: str, today: str) -> list[dict[str, Any]]:
        """The board: one Query on the by-date index, never a Scan. Items stay as DynamoDB typed
        them, so a card already rendered for its version is not translated again."""
        names = {"#b": "board", "#s": "board_sk"}
        values: dict[str, Any] = {":b": BOARD_PK}
        forward = True
        if when == "upcoming":
            condition = "#b = :b AND #s >= :d"
            values[":d"] = today
        elif when == "today":
            condition = "#b = :b AND begins_with(#s, :d)"
            values[":d"] = today + "#"
        elif when == "past":
            condition = "#b = :b AND #s < :d"
            values[":d"] = today
            forward = False
        else:
            condition = "#b = :b"
        result = self.call(
            "query",
            TableName=self.table,
            IndexName=BY_DATE_INDEX,
            KeyConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=serialize(values),
            ScanIndexForward=forward,
            Limit=BOARD_LIMIT,
        )
        items: list[dict[str, Any]] = result.get("Items", [])
        return items

    def replace_event(self, old: Event, new: Event) -> Event:
        """Write an edited event if nobody changed it since it was read (rev guard)."""
        new = replace(new, rev=old.rev + 1, etag=new_etag())
        writes: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": serialize(event_to_item(new)),
                    "ConditionExpression": "#r = :r",
                    "ExpressionAttributeNames": {"#r": "rev"},
                    "ExpressionAttributeValues": serialize({":r": old.rev}),
                }
            }
        ]
        old_crew = {c.crew_id: c.role for c in old.crew}
        new_crew = {c.crew_id: c.role for c in new.crew}
        writes += [
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": serialize({"eid": old.event_id, "crew_id": crew_id}),
                }
            }
            for crew_id in old_crew.keys() - new_crew.keys()
        ]
        writes += [
            self._crew_put(new, crew_id, role)
            for crew_id, role in new_crew.items()
            if old_crew.get(crew_id) != role
        ]
        try:
            self.call("transact_write_items", TransactItems=writes)
        except ConditionFailed:
            raise Conflict(
                "Someone changed this event meanwhile; reload it and try again."
            ) from None
        return new

    def event_ids(self) -> Iterator[str]:
        """Every distinct event id in the table, for scc lint-events.

        This admin tool Scans (keys only) on purpose: ids that break the convention may come from
        older records that never made it into the by-date index.
        """
        kwargs: dict[str, Any] = {"TableName": self.table, "ProjectionExpression": "eid"}
        seen: set[str] = set()
        while True:
            page = self.call("scan", **kwargs)
            for item in page.get("Items", []):
                eid = deserialize(item)["eid"]
                if eid not in seen and not eid.startswith("#"):
                    seen.add(eid)
                    yield eid
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def init_app(app: Any) -> None:
    """Give the app its Store (the client itself is made on first use)."""
    app.extensions["scc.store"] = Store(app.config["TABLE"], app.config.get("DYNAMODB_ENDPOINT"))


def get_store() -> Store:
    """The current app's Store."""
    store: Store = current_app.extensions["scc.store"]
    return store
