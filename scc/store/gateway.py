"""The gateway: the one place that speaks DynamoDB. The lazily created client, every request the
app makes (built here, from keys and Changes), and ClientError turned into the app's own
exceptions in one mapping. Repositories (trips, board, roster, counters, …) call it; nothing
outside scc.store does."""

from __future__ import annotations

import contextlib
import functools
import os
import random
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from scc.errors import StoreError
from scc.store import tables
from scc.store.changes import Change, Guard
from scc.store.items import deserialize, serialize

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DEFAULT_TABLE = "shipcaptaincrew-events"
DEFAULT_REGION = "us-west-2"
BUSY_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
}
# A write that overlapped another write of the same item (a TransactionConflictException, or a
# transaction cancelled for TransactionConflict alone) changed nothing: it is sent again, after
# a jittered, growing wait, up to CONFLICT_ATTEMPTS times in all. botocore does not retry these.
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
CONFLICT_ATTEMPTS = 4
CONFLICT_BACKOFF = 0.02  # seconds: the first wait is at most this, each next one twice as long
CONFLICTED = "Several people were changing the same thing at that moment; please try again."


class _Conflicted(Exception):
    """A write that collided with another and changed nothing: worth sending again."""


class ConditionFailed(Exception):
    """A conditional write did not apply; carries the item as it was, when DynamoDB returned it
    (`raw`, as typed on the wire), and for a transaction which of its writes failed (their
    indexes). Repositories turn it into what it means (a domain error); it never leaves
    scc.store."""

    def __init__(self, raw: Any, failed: tuple[int, ...] = ()) -> None:
        super().__init__("condition failed")
        self.item: dict[str, Any] | None = deserialize(raw) if raw else None
        self.failed = failed


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
                raise ConditionFailed(exc.response.get("Item")) from None
            if code == "TransactionConflictException":
                raise _Conflicted() from None
            if code == "TransactionCanceledException":
                reasons = exc.response.get("CancellationReasons", [])
                if conflict_only(reasons):
                    raise _Conflicted() from None
                failed = tuple(
                    n for n, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"
                )
                if failed:
                    raise ConditionFailed(reasons[failed[0]].get("Item"), failed) from None
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
        """Run one DynamoDB operation on this table's client; a write that collided with another
        (and so changed nothing) is sent again, a few times, after a jittered backoff."""
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                with self._errors():
                    result: dict[str, Any] = getattr(self.client, operation)(**kwargs)
                return result
            except _Conflicted:
                if attempt + 1 < CONFLICT_ATTEMPTS:
                    time.sleep(random.uniform(0, CONFLICT_BACKOFF * 2**attempt))  # noqa: S311
        raise StoreError(CONFLICTED)

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

    def delete(self, key: Mapping[str, str]) -> dict[str, Any] | None:
        """Delete an item and answer it as it was (None when there was none): of two requests
        deleting the same item, only one gets it (a challenge is taken so)."""
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

    def transact(self, writes: list[dict[str, Any]], guards: Sequence[Guard] = ()) -> None:
        """All of these writes and the guards' (after them), or none: ConditionFailed when a
        write's condition fails, the guard's own refusal when a guard's does."""
        try:
            self.call("transact_write_items", TransactItems=[*writes, *(g.request for g in guards)])
        except ConditionFailed as failed:
            if failed.failed and failed.failed[0] >= len(writes):
                raise guards[failed.failed[0] - len(writes)].refused(failed.item) from None
            raise

    def warm(self) -> None:
        """Call each operation the app uses once, answered in the process at botocore's
        `before-send` event so that nothing is sent: botocore loads the operation's model and
        builds its validator, serializer, endpoint rules, signer and parser on first use (for a
        SnapStart snapshot, scc.snapstart). Then close the connection pool: no connection made
        before the snapshot is used after a restore. The writes' key is no item's and their
        condition holds for none: even sent, they could change nothing."""
        one = {"TableName": self.table, "Key": _NO_KEY}
        never = {"ConditionExpression": "attribute_exists(eid) AND attribute_not_exists(eid)"}
        by_eid = {
            "KeyConditionExpression": "eid = :e",
            "ExpressionAttributeValues": {":e": {"S": "-"}},
        }
        calls: dict[str, dict[str, Any]] = {
            "query": {"TableName": self.table, **by_eid},
            "get_item": one,
            "batch_get_item": {"RequestItems": {self.table: {"Keys": [_NO_KEY]}}},
            "update_item": one | never,
            "put_item": {"TableName": self.table, "Item": _NO_KEY, **never},
            "delete_item": one | never,
            "transact_write_items": {"TransactItems": [{"ConditionCheck": one | never}]},
        }
        events = self.client.meta.events
        events.register_first("before-send.dynamodb", _nothing_found, unique_id=_WARM)
        try:
            for operation, params in calls.items():
                getattr(self.client, operation)(**params)
            self.client.can_paginate("query")  # loads the paginators' model
            self.client.exceptions  # noqa: B018 - builds the error classes refusals become
        finally:
            events.unregister("before-send.dynamodb", unique_id=_WARM)
            self.client.close()

    def write_batch(
        self, puts: Iterable[Mapping[str, Any]] = (), deletes: Iterable[Mapping[str, str]] = ()
    ) -> None:
        """Put and delete items 25 at a time (BatchWriteItem: unconditional, not atomic), sending
        again, after a short wait, what DynamoDB leaves unprocessed under load."""
        requests = [{"PutRequest": {"Item": serialize(item)}} for item in puts]
        requests += [{"DeleteRequest": {"Key": serialize(key)}} for key in deletes]
        for start in range(0, len(requests), 25):
            pending: Any = {self.table: requests[start : start + 25]}
            for attempt in range(5):
                pending = self.call("batch_write_item", RequestItems=pending)["UnprocessedItems"]
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise StoreError("The database is busy right now; please try again.")


def conflict_only(reasons: list[Any]) -> bool:
    """Whether a cancelled transaction was cancelled for TransactionConflict and nothing else
    (the other writes' reasons are "None"): then it changed nothing and may be sent again."""
    codes = {r.get("Code") for r in reasons}
    return "TransactionConflict" in codes and codes <= {"TransactionConflict", "None"}


_NO_KEY = {"eid": {"S": "-"}, "crew_id": {"S": "-"}}  # "-" is no item's key
_WARM = "scc-store-warm"


def _nothing_found(request: Any, **_: Any) -> Any:
    """DynamoDB's answer to a read that finds nothing (`{}`), made here instead of sent (a
    before-send handler's answer)."""
    import io

    from botocore.awsrequest import AWSResponse
    from botocore.compat import HTTPHeaders
    from urllib3.response import HTTPResponse

    body = HTTPResponse(body=io.BytesIO(b"{}"), status=200, preload_content=False)
    return AWSResponse(str(request.url), 200, HTTPHeaders(), body)


def projection(attributes: Iterable[str]) -> dict[str, Any]:
    """A read's ProjectionExpression for these attributes (none: the whole item)."""
    names = {f"#a{n}": name for n, name in enumerate(attributes)}
    if not names:
        return {}
    return {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}
