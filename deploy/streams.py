"""The table's DynamoDB stream → alias live: the event source mapping that sends notifications.

One function serves the web app and the stream (lambda_entry.handler tells the two apart), so
the mapping targets alias `live`: promote and rollback move notifications together with the code
and the environment (the Gmail tokens), and staging never sees a stream record, so it never mails
anyone. `plan` reads the state (describe calls only); `promote` creates the mapping if missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from deploy import aws
from deploy.config import DEFAULT_TABLE, LIVE, Tunables
from scc.store import keys

FILTERS = [
    # A trip's record changed (a payment, a void, a refund, a cancellation) or written at an id
    # (a new trip: its crew hear they are on it; a rescheduled one: its patrons and crew hear the
    # new date), and a signed waiver. Lambda discards a record no filter passes.
    {"eventName": ["MODIFY", "INSERT"], "dynamodb": {"Keys": {"crew_id": {"S": [keys.EVENT_SK]}}}},
    {
        "eventName": ["INSERT"],
        "dynamodb": {"Keys": {"crew_id": {"S": [{"prefix": keys.WAIVER_PREFIX}]}}},
    },
]
MAPPING = {
    "StartingPosition": "LATEST",
    "BatchSize": 10,
    "MaximumBatchingWindowInSeconds": 1,
    # The handler names the records whose mail failed; Lambda retries from the first of them.
    "FunctionResponseTypes": ["ReportBatchItemFailures"],
    # A record that keeps failing holds up its shard: give up after this many tries or a day
    # (the stream keeps records 24 h anyway). The log has what is needed to resend by hand.
    "MaximumRetryAttempts": 10,
    "MaximumRecordAgeInSeconds": 86400,
    "FilterCriteria": {"Filters": [{"Pattern": json.dumps(f)} for f in FILTERS]},
}


@dataclass(frozen=True)
class StreamState:
    """What `plan` shows and `promote` acts on."""

    table: str
    stream_arn: str | None = None
    mapping: dict[str, Any] | None = None
    problem: str | None = None  # why there is nothing to connect

    def line(self) -> str:
        if self.problem:
            return f"{self.problem}; notifications stay off"
        if self.mapping:
            return (
                f"table {self.table} → alias {LIVE}: connected (mapping "
                f"{self.mapping.get('UUID')}, {self.mapping.get('State', '?')})"
            )
        return f"table {self.table} → alias {LIVE}: not connected yet; promote connects it"


def table_name(environment: dict[str, str]) -> str:
    return environment.get("SCC_TABLE") or DEFAULT_TABLE


def read(lam: Any, dynamodb: Any, table: str, alias_arn: str | None) -> StreamState:
    """The table's stream and its mapping to alias live, by describe calls only."""
    try:
        description = dynamodb.describe_table(TableName=table)["Table"]
    except ClientError as exc:
        code = aws.error_code(exc)
        if code == "ResourceNotFoundException":
            return StreamState(table, problem=f"no table {table} (SCC_TABLE) in this region")
        return StreamState(table, problem=f"could not read table {table} ({code})")
    spec = description.get("StreamSpecification") or {}
    arn = description.get("LatestStreamArn")
    if not spec.get("StreamEnabled") or not arn:
        return StreamState(table, problem=f"table {table} has no stream (run `scc init-db`)")
    if spec.get("StreamViewType") != "NEW_AND_OLD_IMAGES":
        view = spec.get("StreamViewType")
        problem = f"table {table} streams {view}, not NEW_AND_OLD_IMAGES (`scc init-db` says how)"
        return StreamState(table, problem=problem)
    if alias_arn is None:
        return StreamState(table, stream_arn=str(arn))
    mappings = lam.list_event_source_mappings(EventSourceArn=arn, FunctionName=alias_arn)
    found = mappings.get("EventSourceMappings") or []
    return StreamState(table, stream_arn=str(arn), mapping=found[0] if found else None)


def create(lam: Any, state: StreamState, alias_arn: str, tunables: Tunables) -> str:
    """Create the mapping from the table's stream to alias live; returns its UUID."""
    answer = aws.call(
        lam.create_event_source_mapping,
        tunables,
        EventSourceArn=state.stream_arn,
        FunctionName=alias_arn,
        **MAPPING,
    )
    return str(answer.get("UUID", ""))
