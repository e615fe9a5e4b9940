"""The table's DynamoDB stream → alias live: the event source mapping that sends notifications,
and the queue where what could not be sent ends up.

One function serves the web app and the stream (lambda_entry.handler tells the two apart), so
the mapping targets alias `live`: promote and rollback move notifications together with the code
and the environment (the Gmail tokens), and staging never sees a stream record, so it never mails
anyone. `plan` reads the state (describe calls only); `promote` creates the mapping, or brings an
existing one to SETTINGS (UpdateEventSourceMapping) and says what it changed.

A notice must never be lost silently (the Lambda guide's "Retain discarded records for a DynamoDB
event source" and "Configuring partial batch response with DynamoDB and Lambda"):
- FilterCriteria come from scc.notify.routes, which the notifier dispatches on;
- the handler reports the record whose mail failed (ReportBatchItemFailures), and Lambda retries
  from it; with BisectBatchOnFunctionError a batch that fails is split at that record, and a
  batch whose invocation fails outright is halved, so one bad record holds up no others;
- after MaximumRetryAttempts, Lambda sends the failed batch's description (shard, sequence
  numbers) to the on-failure destination, an SQS queue whose depth raises an alarm
  (deploy/alarms.py), instead of dropping it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from deploy import aws
from deploy.config import DEFAULT_TABLE, LIVE, Tunables
from deploy.output import Step as Log
from deploy.run import Run
from deploy.steps import Step
from scc.notify import routes

QUEUE_SUFFIX = "-notify-failures"
QUEUE_RETENTION_SECONDS = 14 * 24 * 60 * 60  # SQS's longest: two weeks to notice and resend
# What an existing mapping is brought to (StartingPosition can only be set when it is made).
SETTINGS: dict[str, Any] = {
    "BatchSize": 10,
    "MaximumBatchingWindowInSeconds": 1,
    "FunctionResponseTypes": ["ReportBatchItemFailures"],
    "BisectBatchOnFunctionError": True,
    # A record that keeps failing holds up its shard: after five more tries, or a day (the
    # stream keeps records 24 h anyway), its batch goes to the failure queue.
    "MaximumRetryAttempts": 5,
    "MaximumRecordAgeInSeconds": 86400,
    "FilterCriteria": routes.filter_criteria(),
}


def queue_name(function: str) -> str:
    return function + QUEUE_SUFFIX


def wanted(queue_arn: str) -> dict[str, Any]:
    """Every setting the mapping must have, its on-failure destination included."""
    return {**SETTINGS, "DestinationConfig": {"OnFailure": {"Destination": queue_arn}}}


def _patterns(criteria: Any) -> list[Any]:
    filters = (criteria or {}).get("Filters") or []
    return sorted((json.loads(f.get("Pattern") or "{}") for f in filters), key=json.dumps)


def _destination(config: Any) -> str | None:
    return ((config or {}).get("OnFailure") or {}).get("Destination") or None


def differences(mapping: dict[str, Any], queue_arn: str | None) -> list[str]:
    """How the mapping differs from the settings, a phrase each ("MaximumRetryAttempts 10 → 5");
    the destination only when the queue is known."""
    found = []
    for key, value in SETTINGS.items():
        now = mapping.get(key)
        if key == "FilterCriteria":
            if _patterns(now) != _patterns(value):
                found.append(
                    f"FilterCriteria {len(_patterns(now))} → {len(_patterns(value))} filters"
                )
        elif now != value:
            found.append(f"{key} {now} → {value}")
    now_destination = _destination(mapping.get("DestinationConfig"))
    if queue_arn is not None and now_destination != queue_arn:
        found.append(f"on-failure destination {now_destination or 'none'} → {queue_arn}")
    return found


@dataclass(frozen=True)
class StreamState:
    """What `plan` shows and `promote` acts on."""

    table: str
    stream_arn: str | None = None
    mapping: dict[str, Any] | None = None
    problem: str | None = None  # why there is nothing to connect

    def line(self, queue_arn: str | None = None) -> str:
        if self.problem:
            return f"{self.problem}; notifications stay off"
        if not self.mapping:
            return f"table {self.table} → alias {LIVE}: not connected yet; promote connects it"
        uuid, state = self.mapping.get("UUID"), self.mapping.get("State", "?")
        off = differences(self.mapping, queue_arn)
        settings = (
            f"settings differ ({'; '.join(off)}): promote updates them" if off else "settings right"
        )
        return f"table {self.table} → alias {LIVE}: connected (mapping {uuid}, {state}); {settings}"


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


def create(lam: Any, state: StreamState, alias_arn: str, queue_arn: str, tunables: Tunables) -> str:
    """Create the mapping from the table's stream to alias live; returns its UUID."""
    answer = aws.call(
        lam.create_event_source_mapping,
        tunables,
        EventSourceArn=state.stream_arn,
        FunctionName=alias_arn,
        StartingPosition="LATEST",
        **wanted(queue_arn),
    )
    return str(answer.get("UUID", ""))


def converge(lam: Any, mapping: dict[str, Any], queue_arn: str, tunables: Tunables) -> list[str]:
    """Bring an existing mapping to the settings (whether it is enabled is left as it is);
    returns what changed, nothing when it was right."""
    changed = differences(mapping, queue_arn)
    if changed:
        aws.call(
            lam.update_event_source_mapping, tunables, UUID=mapping["UUID"], **wanted(queue_arn)
        )
    return changed


# --- the failure queue ---------------------------------------------------------------------


def queue_arn(sqs: Any, name: str) -> str | None:
    """The queue's ARN, None when it does not exist (describe calls only)."""
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as exc:
        if aws.error_code(exc) not in (
            "AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist",
        ):
            raise
        return None
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def make_queue(sqs: Any, name: str) -> str:
    """Create the failure queue (idempotent with the same attributes); returns its ARN."""
    url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "MessageRetentionPeriod": str(QUEUE_RETENTION_SECONDS),
            "SqsManagedSseEnabled": "true",
        },
    )["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def _make_queue(run: Run, done: Log) -> None:
    name = queue_name(run.options.function)
    if queue_arn(run.clients.sqs, name) is not None:
        done.skip(f"{name} exists")
    elif not run.may_change():
        done.skip(f"would make {name}; run again with --yes")
    else:
        arn = make_queue(run.clients.sqs, name)
        run.log.record(f"failure queue {name} made")
        done.note(arn)


QUEUE_STEP: Step[Run] = Step(
    "make the failure queue, if missing",
    "the stream mapping sends what it could not deliver there instead of dropping it, and its "
    "depth raises an alarm",
    "aws sqs delete-queue (once no mapping names it)",
    _make_queue,
)
