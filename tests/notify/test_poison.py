"""A notice that keeps failing is never dropped silently: driven as Lambda drives the handler with
the deploy's own mapping settings (tests/notify/poller.py), the failing record's batch ends in the
failure queue (whose depth is an alarm) and the shard moves on; a revoked Gmail token does the
same with every notice instead of leaving a log line only."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from flask import Flask

from deploy import streams
from scc.notify import stream as notify
from scc.notify.message import NotifyError
from tests.notify.poller import Poller
from tests.support.apps import make_app
from tests.support.builders import ADMIN, TRIP_ID
from tests.support.domain import sign
from tests.support.fake_google import FakeGoogle
from tests.support.harness import Session, pay
from tests.support.notify import Recorder, Stream


@pytest.fixture
def queue(aws: None) -> Iterator[tuple[Any, str]]:
    """The failure queue, made as the deploy makes it (moto's SQS); its client and ARN."""
    sqs = boto3.client("sqs", region_name="us-west-2")
    arn = streams.make_queue(sqs, streams.queue_name(f"scc-{secrets.token_hex(4)}"))
    yield sqs, arn
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"])


def _poller(app: Flask, queue: tuple[Any, str], stream: Stream) -> Poller:
    sqs, arn = queue
    handler = notify.make_stream_handler(app)
    return Poller(handler, streams.wanted(arn), sqs, stream.reader.arn)


def _failed_batches(queue: tuple[Any, str]) -> list[dict[str, Any]]:
    sqs, arn = queue
    url = sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"]
    depth = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert int(depth["Attributes"]["ApproximateNumberOfMessages"]) == len(messages)
    return [json.loads(m["Body"]) for m in messages]


def _seq(records: list[dict[str, Any]], crew_id: str) -> int:
    """The sequence number of the first record with that sort key (prefix)."""
    keys = [
        r["dynamodb"] for r in records if r["dynamodb"]["Keys"]["crew_id"]["S"].startswith(crew_id)
    ]
    return min(int(k["SequenceNumber"]) for k in keys)


def test_a_poison_record_lands_in_the_failure_queue_and_the_batch_moves_on(
    create_event: Any, crew: Session, store: Any, stream: Stream, queue: tuple[Any, str]
) -> None:
    app, mailer = make_app(ADMIN_EMAIL=ADMIN), Recorder()
    app.extensions["scc.mailer"] = mailer
    create_event()
    pay(crew, "40.00")
    sign(store, TRIP_ID, email="dana@example.com")
    pay(crew, "25.00", patron_id="sam")
    mailer.fail["Waiver signed"] = NotifyError("Gmail send did not succeed in 2 attempts: HTTP 500")
    records = stream.take(unfiltered=True)["Records"]
    poller = _poller(app, queue, stream)

    poller.deliver(records)

    retries = streams.SETTINGS["MaximumRetryAttempts"]
    assert len(poller.invocations) == 1 + retries  # then Lambda gives up on that batch
    sent = sorted(m.subject.split(":")[0].split(" – ")[0] for m in mailer.sent)
    assert sent == ["Payment logged", "Payment logged", "Your signed waiver"]  # each once
    [failed] = _failed_batches(queue)
    info = failed["DDBStreamBatchInfo"]
    assert failed["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert int(info["startSequenceNumber"]) == _seq(records, "#waiver#")  # the record to resend
    assert info["streamArn"] == stream.reader.arn

    mailer.fail.clear()
    pay(crew, "10.00")
    poller.deliver(stream.take(unfiltered=True)["Records"])  # the shard moved on
    assert mailer.sent[-1].subject.startswith("Payment logged: $10.00")
    assert _failed_batches(queue) == []


def test_a_revoked_gmail_token_ends_in_the_failure_queue_not_in_a_log_line_only(
    client: Session, stream: Stream, queue: tuple[Any, str], google: FakeGoogle, caplog: Any
) -> None:
    from tests.notify.test_backends import trip_with_a_payment_and_a_waiver

    revoked = make_app(**google.config(ADMIN_EMAIL=ADMIN, GMAIL_REFRESH_TOKEN="1//revoked"))
    trip_with_a_payment_and_a_waiver(client)
    records = stream.take(unfiltered=True)["Records"]

    with caplog.at_level(logging.ERROR, logger="scc.notify"):
        _poller(revoked, queue, stream).deliver(records)

    assert google.sent == []
    assert "token refresh failed: HTTP 400 invalid_grant" in caplog.text
    [failed] = _failed_batches(queue)  # what the notify-failures alarm counts
    info = failed["DDBStreamBatchInfo"]
    first, last = int(info["startSequenceNumber"]), int(info["endSequenceNumber"])
    payment = _seq([r for r in records if r["eventName"] == "MODIFY"], "#event")  # the first
    assert first <= payment <= last and first <= _seq(records, "#waiver#") <= last
