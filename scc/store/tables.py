"""The table itself: its spec (keys, by-date index, stream) and creating it, or bringing an older
table up to that spec, idempotently; and what keeps it from being lost (deletion protection,
point-in-time recovery, TTL, a backup before a rewrite). Used by `scc init-db`, `make dev`, the
tests and the deploy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from scc.store.keys import BY_DATE_INDEX, TTL_ATTRIBUTE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TimeToLiveSpecificationTypeDef

# Notifications read the table's stream (scc.notify): new payments are found by comparing the old
# and new event record, so the stream carries both images.
STREAM_VIEW = "NEW_AND_OLD_IMAGES"
STREAM_SPEC = {"StreamEnabled": True, "StreamViewType": STREAM_VIEW}
TTL_SPEC: TimeToLiveSpecificationTypeDef = {"Enabled": True, "AttributeName": TTL_ATTRIBUTE}


def table_spec(name: str) -> dict[str, Any]:
    """The table: key eid/crew_id, a sparse index listing event records by date, and a stream."""
    return {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"}
            for name in ("eid", "crew_id", "board", "board_sk")
        ],
        "KeySchema": _key_schema("eid", "crew_id"),
        "GlobalSecondaryIndexes": [
            {
                "IndexName": BY_DATE_INDEX,
                "KeySchema": _key_schema("board", "board_sk"),
                # The board is answered from the index alone; its Query names the attributes
                # cards show (scc.store.board.CARD_ATTRIBUTES), so only those are sent.
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "StreamSpecification": dict(STREAM_SPEC),
    }


def _key_schema(partition: str, sort: str) -> list[dict[str, str]]:
    return [
        {"AttributeName": partition, "KeyType": "HASH"},
        {"AttributeName": sort, "KeyType": "RANGE"},
    ]


def _wait_active(client: DynamoDBClient, name: str) -> None:
    client.get_waiter("table_exists").wait(
        TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )


def create(client: DynamoDBClient, name: str) -> bool:
    """Create the table, its index, TTL and stream if missing; True when it was created.
    CreateTable refuses a name in use with ResourceInUseException
    (https://docs.aws.amazon.com/botocore/latest/reference/services/dynamodb/client/exceptions/ResourceInUseException.html)."""
    try:
        client.create_table(**table_spec(name))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceInUseException":
            raise
        return False
    _wait_active(client, name)
    client.update_time_to_live(TableName=name, TimeToLiveSpecification=TTL_SPEC)
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


# --- what keeps the table from being lost -----------------------------------------------------


@dataclass(frozen=True)
class Protection:
    """What `scc init-db` turns on and the deploy's plan reports, as DescribeTable,
    DescribeContinuousBackups and DescribeTimeToLive tell it."""

    deletion_protection: bool
    point_in_time_recovery: bool
    ttl: str | None  # the attribute TTL expires items by (ENABLED or ENABLING); None: off

    def missing(self) -> list[str]:
        """What is not on, in words; empty when the table is protected."""
        lines = []
        if not self.deletion_protection:
            lines.append("deletion protection off")
        if not self.point_in_time_recovery:
            lines.append("point-in-time recovery off")
        if self.ttl is None:
            lines.append("TTL off")
        elif self.ttl != TTL_ATTRIBUTE:
            lines.append(f"TTL on {self.ttl}, not {TTL_ATTRIBUTE}")
        return lines


def protection(client: DynamoDBClient, name: str) -> Protection:
    """The table's protection, by describe calls only."""
    table = client.describe_table(TableName=name)["Table"]
    backups = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    recovery = backups.get("PointInTimeRecoveryDescription") or {}
    ttl = client.describe_time_to_live(TableName=name).get("TimeToLiveDescription") or {}
    on = ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING")
    return Protection(
        deletion_protection=bool(table.get("DeletionProtectionEnabled")),
        point_in_time_recovery=recovery.get("PointInTimeRecoveryStatus") == "ENABLED",
        ttl=ttl.get("AttributeName") if on else None,
    )


def protect(client: DynamoDBClient, name: str) -> list[str]:
    """Turn on what keeps the table from being lost, whoever made it and however far an earlier
    run got: deletion protection, point-in-time recovery (35 days of restorable history), and
    TTL on `ttl` (expiring counters, challenges and sent-markers). Says what it found or did."""
    found = protection(client, name)
    if found.ttl not in (None, TTL_ATTRIBUTE):
        raise RuntimeError(
            f"The table {name} expires items by {found.ttl}, not {TTL_ATTRIBUTE}; a "
            "table has one TTL attribute. Turn that TTL off (aws dynamodb update-time-to-live), "
            "then run `scc init-db` again."
        )
    done = []
    if not found.deletion_protection:
        client.update_table(TableName=name, DeletionProtectionEnabled=True)
        _wait_active(client, name)
        done.append("deletion protection turned on")
    if not found.point_in_time_recovery:
        client.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
        done.append("point-in-time recovery turned on")
    if found.ttl is None:
        # DynamoDB refuses an UpdateTimeToLive that changes nothing, hence the check first.
        client.update_time_to_live(TableName=name, TimeToLiveSpecification=TTL_SPEC)
        done.append(f"TTL turned on ({TTL_ATTRIBUTE})")
    return done or ["deletion protection, point-in-time recovery and TTL already on"]


def backup(client: DynamoDBClient, name: str, why: str) -> str:
    """An on-demand backup, before something rewrites stored items; returns its ARN. DynamoDB
    takes it as of the request, so the rewrite may start at once."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    answer = client.create_backup(TableName=name, BackupName=f"{name}-{why}-{stamp}"[:255])
    return str(answer["BackupDetails"]["BackupArn"])
