"""Notifications' side of the tests: the table's stream as Lambda delivers it, the sequence
number of a payment's record, and a mailer that keeps what it is given."""

from __future__ import annotations

from typing import Any

from bench.weights import as_dynamodb_sends
from scc.dev.stream import StreamReader
from scc.notify.message import Message
from scc.store import Store


class Stream:
    """The test table's stream, read as Lambda's event source mapping delivers it: through the
    mapping's filter (scc.notify.routes), as Lambda applies it, and its images' numbers trimmed
    as DynamoDB keeps them (support.dynamodb), which moto's stream does not."""

    def __init__(self, store: Store) -> None:
        self.reader = StreamReader(store, start="TRIM_HORIZON")

    def take(self, *, unfiltered: bool = False) -> dict[str, Any]:
        """The records written since the last take that pass the filter (all of them when
        `unfiltered`), as one Lambda event."""
        return {"Records": as_dynamodb_sends(self.reader.take(unfiltered=unfiltered))}


def seq_of(event: dict[str, Any], payment_id: str) -> str:
    """The sequence number of the stream record that added this payment."""

    def index(record: dict[str, Any], image: str) -> str:
        return str(record["dynamodb"].get(image, {}).get("payment_index", ""))

    [seq] = [
        r["dynamodb"]["SequenceNumber"]
        for r in event["Records"]
        if payment_id in index(r, "NewImage") and payment_id not in index(r, "OldImage")
    ]
    return str(seq)


class Recorder:
    """A mailer that keeps what it is given; `fail` maps a subject fragment to an error."""

    name = "recorder"

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.fail: dict[str, Exception] = {}

    def send(self, message: Message) -> str:
        for fragment, error in self.fail.items():
            if fragment in message.subject:
                raise error
        self.sent.append(message)
        return f"r-{len(self.sent)}"
