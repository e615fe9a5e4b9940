"""`make dev`: read the embedded table's stream in the background and hand its records to the
stream handler, as Lambda's event source mapping does in AWS (its filter included); the log
backend prints the mail."""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

from scc.notify import routes
from scc.notify import stream as notify_stream
from scc.store import Store, get_store

POLL_SECONDS = 1.0
Record = dict[str, Any]


def lambda_filter() -> Callable[[Record], bool]:
    """Whether Lambda would hand a record to the function: the event source mapping's
    FilterCriteria (scc.notify.routes) applied by moto's EventBridge-pattern matcher, which
    Lambda's filters follow; a record passes when any filter matches
    (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html)."""
    from moto.events.models import EventPattern  # make dev and the tests have moto; Lambda not

    patterns = [EventPattern.load(f["Pattern"]) for f in routes.filter_criteria()["Filters"]]

    def passes(record: Record) -> bool:
        # As Lambda sees it: JSON (boto3 parsed ApproximateCreationDateTime into a datetime).
        seen = json.loads(json.dumps(record, default=str))
        return any(pattern.matches_event(seen) for pattern in patterns)

    return passes


class StreamReader:
    """One shard iterator over the table's stream (moto's stream has a single shard), from now
    on (LATEST, as `make dev` starts) or from its first record (TRIM_HORIZON)."""

    def __init__(self, store: Store, start: str = "LATEST") -> None:
        import boto3

        region = store.client.meta.region_name
        # moto serves the streams API on its classic host only, not on the account-based host
        # botocore picks for calls that name a stream ARN.
        self.client = boto3.client(
            "dynamodbstreams",
            region_name=region,
            endpoint_url=f"https://streams.dynamodb.{region}.amazonaws.com",
        )
        self.arn = store.stream_arn()
        shard = self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"][0]
        self.iterator = self.client.get_shard_iterator(
            StreamArn=self.arn, ShardId=shard["ShardId"], ShardIteratorType=start
        )["ShardIterator"]
        self.passes = lambda_filter()

    def take(self, *, unfiltered: bool = False) -> list[Record]:
        """The records written since the last take that Lambda would deliver (all of them when
        `unfiltered`)."""
        answer = self.client.get_records(ShardIterator=self.iterator)
        self.iterator = answer["NextShardIterator"]
        records = [{**record, "eventSourceARN": self.arn} for record in answer["Records"]]
        return records if unfiltered else [r for r in records if self.passes(r)]


def poll_once(reader: StreamReader, handler: Callable[[dict[str, Any], Any], Any]) -> int:
    """Deliver what was written since the last poll; returns how many records there were."""
    records = reader.take()
    if records:
        handler({"Records": records}, None)
    return len(records)


def start(app: Flask) -> threading.Event:
    """Poll in a daemon thread until the returned event is set; mail goes to stderr."""
    log = logging.getLogger("scc.notify")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("  %(message)s"))
        log.addHandler(handler)
    with app.app_context():
        store = get_store()
    reader, stream_handler = StreamReader(store), notify_stream.make_stream_handler(app)
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(POLL_SECONDS):
            try:
                poll_once(reader, stream_handler)
            except Exception:  # keep the dev server's mail going after one bad poll
                log.exception("notify: the dev stream poll failed")

    threading.Thread(target=loop, name="scc-dev-stream", daemon=True).start()
    return stop
