"""Lambda's event source mapping for a DynamoDB stream, as the Lambda guide documents it, driving
the real handler with the deploy's own mapping settings (deploy.streams.wanted). moto has no
poller that invokes a function, so the tests follow the documented behaviour here:

- filtering: the mapping's FilterCriteria, matched by moto's EventBridge-pattern matcher; "If none
  of your filters are satisfied, Lambda discards the record"
  (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html);
- batching: BatchSize records from the checkpoint;
- partial batch responses: "If the batchItemFailures array contains multiple items, Lambda uses
  the record with the lowest sequence number as the checkpoint. Lambda then retries all records
  starting from that checkpoint"; with BisectBatchOnFunctionError on too, "the batch is bisected
  at the returned sequence number and Lambda retries only the remaining records"; an invocation
  that fails outright is split in two, which "doesn't consume the retry quota"
  (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html);
- after MaximumRetryAttempts, "Lambda discards the records and continues processing batches",
  first sending a JSON document with metadata about the failed invocation to the on-failure
  destination (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html):
  its DDBStreamBatchInfo names the shard and the first and last sequence numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from moto.events.models import EventPattern

Record = dict[str, Any]
FUNCTION_ARN = "arn:aws:lambda:us-west-2:123456789012:function:shipcaptaincrew:live"


@dataclass
class Poller:
    handler: Callable[[dict[str, Any], Any], Any]
    mapping: dict[str, Any]  # the deploy's settings, the on-failure destination included
    sqs: Any
    stream_arn: str
    shard_id: str = "shardId-00000001"
    invocations: list[list[str]] = field(default_factory=list)  # sequence numbers of each

    def passes(self, record: Record) -> bool:
        patterns = [
            EventPattern.load(f["Pattern"]) for f in self.mapping["FilterCriteria"]["Filters"]
        ]
        seen = json.loads(json.dumps(record, default=str))
        return any(pattern.matches_event(seen) for pattern in patterns)

    def deliver(self, records: list[Record]) -> None:
        """Everything written since the last delivery, batch after batch, as Lambda would."""
        pending = [r for r in records if self.passes(r)]
        size = int(self.mapping["BatchSize"])
        while pending:
            batch, pending = pending[:size], pending[size:]
            self._until_done(batch)

    def _invoke(self, batch: list[Record]) -> str | None:
        """Invoke; the sequence number to retry from, "" for a function error, None for done."""
        self.invocations.append([_seq(r) for r in batch])
        try:
            answer = self.handler({"Records": batch}, None)
        except Exception:  # the invocation failed: a function error
            return ""
        failures = [f.get("itemIdentifier") for f in (answer or {}).get("batchItemFailures") or []]
        if not failures:
            return None
        if not all(failures):
            return ""  # an empty or null itemIdentifier: a complete failure
        return min(failures, key=int)

    def _until_done(self, batch: list[Record]) -> None:
        queue: list[tuple[list[Record], int]] = [(batch, 0)]  # (records, retries so far)
        while queue:
            records, retries = queue.pop(0)
            failed_at = self._invoke(records)
            if failed_at is None:
                continue
            bisect = self.mapping["BisectBatchOnFunctionError"]
            if failed_at == "" and bisect and len(records) > 1:  # halves, no retry consumed
                half = len(records) // 2
                queue[:0] = [(records[:half], retries), (records[half:], retries)]
                continue
            if retries >= self.mapping["MaximumRetryAttempts"]:
                self._discard(records, retries + 1)
                continue
            if failed_at:  # retry from the checkpoint: the failed record and those after it
                records = [r for r in records if int(_seq(r)) >= int(failed_at)]
            queue.insert(0, (records, retries + 1))

    def _discard(self, records: list[Record], invocations: int) -> None:
        destination = self.mapping["DestinationConfig"]["OnFailure"]["Destination"]
        url = self.sqs.get_queue_url(QueueName=destination.rsplit(":", 1)[1])["QueueUrl"]
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        document = {
            "requestContext": {
                "requestId": f"poller-{len(self.invocations)}",
                "functionArn": FUNCTION_ARN,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": invocations,
            },
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "1",
                "functionError": "Unhandled",
            },
            "version": "1.0",
            "timestamp": now,
            "DDBStreamBatchInfo": {
                "shardId": self.shard_id,
                "startSequenceNumber": _seq(records[0]),
                "endSequenceNumber": _seq(records[-1]),
                "approximateArrivalOfFirstRecord": now,
                "approximateArrivalOfLastRecord": now,
                "batchSize": len(records),
                "streamArn": self.stream_arn,
            },
        }
        self.sqs.send_message(QueueUrl=url, MessageBody=json.dumps(document))


def _seq(record: Record) -> str:
    return str(record["dynamodb"]["SequenceNumber"])
