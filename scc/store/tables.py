"""The table itself: its spec (keys, by-date index, stream) and creating it, or bringing an older
table up to that spec, idempotently. Used by `scc init-db`, `make dev`, the tests and the deploy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from scc.store.keys import BY_DATE_INDEX, TTL_ATTRIBUTE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Notifications read the table's stream (scc.notify): new payments are found by comparing the old
# and new event record, so the stream carries both images.
STREAM_VIEW = "NEW_AND_OLD_IMAGES"
STREAM_SPEC = {"StreamEnabled": True, "StreamViewType": STREAM_VIEW}


def table_spec(name: str) -> dict[str, Any]:
    """The table: key eid/crew_id, a sparse index listing event records by date, and a stream."""
    return {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": "eid", "AttributeType": "S"},
            {"AttributeName": "crew_id", "AttributeType": "S"},
            {"AttributeName": "board", "AttributeType": "S"},
            {"AttributeName": "board_sk", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "eid", "KeyType": "HASH"},
            {"AttributeName": "crew_id", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": BY_DATE_INDEX,
                "KeySchema": [
                    {"AttributeName": "board", "KeyType": "HASH"},
                    {"AttributeName": "board_sk", "KeyType": "RANGE"},
                ],
                # The board is answered from the index alone; its Query names the attributes
                # cards show (scc.store.board.CARD_ATTRIBUTES), so only those are sent.
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "StreamSpecification": dict(STREAM_SPEC),
    }


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _wait_active(client: DynamoDBClient, name: str) -> None:
    client.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )


def create(client: DynamoDBClient, name: str) -> bool:
    """Create the table, its index, TTL and stream if missing; True when it was created."""
    try:
        client.describe_table(TableName=name)
        return False
    except ClientError as exc:
        if _code(exc) != "ResourceNotFoundException":
            raise
    try:
        client.create_table(**table_spec(name))
    except ClientError as exc:
        if _code(exc) != "ResourceInUseException":
            raise
        return False
    _wait_active(client, name)
    client.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
    )
    return True


def ensure_stream(client: DynamoDBClient, name: str) -> str:
    """Turn the stream on for a table made before notifications; says what it found or did."""
    table = client.describe_table(TableName=name)["Table"]
    spec: dict[str, Any] = dict(table.get("StreamSpecification") or {})
    if spec.get("StreamEnabled"):
        if spec.get("StreamViewType") == STREAM_VIEW:
            return f"stream on ({STREAM_VIEW})"
        # A stream's view type cannot be changed in place; switching it off and on again gives
        # a new stream ARN, which the deploy's event source mapping must then follow.
        raise RuntimeError(
            f"The table {name} has a {spec.get('StreamViewType')} stream, but notifications need "
            f"{STREAM_VIEW}. Turn the stream off (aws dynamodb update-table --table-name {name} "
            "--stream-specification StreamEnabled=false), run `scc init-db` again, then "
            "`python -m deploy promote` to connect the new stream."
        )
    client.update_table(TableName=name, StreamSpecification=STREAM_SPEC)  # type: ignore[arg-type]
    _wait_active(client, name)
    return f"stream turned on ({STREAM_VIEW})"
