"""The stream handler: real stream records (moto's DynamoDB stream of the test table, after real
payments and signatures) become the right messages; failures are retried, never contagious."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest
from flask import Flask

from scc.dev import stream as dev_stream
from scc.models import METHOD_LABELS, METHODS
from scc.notify import stream as notify
from scc.notify.mail import NotifyError
from scc.store import get_store, trips
from scc.waivers import text as waiver_text
from tests.support.apps import make_app
from tests.support.builders import ADMIN, TRIP_ID, trip
from tests.support.domain import sign
from tests.support.harness import pay
from tests.support.notify import Recorder, seq_of

EID = TRIP_ID


class Context:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def get_remaining_time_in_millis(self) -> int:
        return self.ms


@pytest.fixture(scope="module")
def notify_app(aws: None) -> Flask:
    return make_app(ADMIN_EMAIL=ADMIN)


@pytest.fixture
def mailer(notify_app: Flask) -> Recorder:
    recorder = Recorder()
    notify_app.extensions["scc.mailer"] = recorder
    return recorder


@pytest.fixture
def handle(notify_app: Flask, mailer: Recorder) -> Any:
    return notify.make_stream_handler(notify_app)


def test_a_logged_payment_becomes_one_admin_email(create_event, crew, stream, handle, mailer):
    create_event(title="Whales & O'Brien's")
    pay(crew, "40.00", notes="paid at the dock")

    assert handle(stream.take(), None) == {"batchItemFailures": []}

    [message] = mailer.sent
    assert message.to == ADMIN
    assert message.subject == (
        "Payment logged: $40.00 from Dana Lee (Cash) – Whales & O'Brien's, 2030-05-23"
    )
    for line in (
        "Trip:       Whales & O'Brien's",
        f"Event id:   {EID}",
        "Amount:     $40.00",
        "Method:     Cash",
        "Logged by:  cory",
        "Notes:      paid at the dock",
        "Dana Lee still owes $160.00.",
    ):
        assert line in message.text
    assert "Whales &amp; O&#39;Brien&#39;s" in message.html and "O'Brien" not in message.html


def test_a_signature_sends_the_admin_a_note_and_the_signer_the_exact_text(
    store, stream, handle, mailer
):
    trips.create(store, trip(event_id=EID, title="Whale watching"))
    waiver = sign(store, EID, email="dana@example.com").waiver
    assert waiver is not None

    assert handle(stream.take(), None) == {"batchItemFailures": []}

    admin, copy_ = mailer.sent
    assert (
        admin.to == ADMIN
        and admin.subject == "Waiver signed: Dana Lee – Whale watching, 2030-05-23"
    )
    assert "Email:             dana@example.com" in admin.text
    assert "A copy of the text was sent to the signer." in admin.text
    assert copy_.to == "dana@example.com"
    assert copy_.subject == "Your signed waiver – Whale watching, Thursday, May 23, 2030"
    assert "\n" + waiver_text.checked(waiver)[0] + "\n" in copy_.text
    assert waiver.text_sha256 in copy_.text
    assert "RELEASE OF LIABILITY" in copy_.html


def test_edits_and_counters_send_nothing_and_a_void_tells_the_admin(
    create_event, crew, client, stream, handle, mailer
):
    create_event()
    payment = pay(crew, "10.00").json["payment"]
    stream.take()
    void = f"/api/events/{EID}/payments/{payment['payment_id']}/void"
    voided = crew("POST", void, {"reason": "typo"})
    edit = {"title": "Renamed"}
    edited = crew("PATCH", f"/api/events/{EID}", edit)
    wrong = {"crew_id": "cory", "password": "wrong"}  # counts a failed sign-in
    refused = client("POST", "/api/admin/login", wrong)
    assert (voided.status, edited.status, refused.status) == (200, 200, 401)

    batch = stream.take(unfiltered=True)  # what the filter would drop says nothing either

    kinds = {(r["eventName"], r["dynamodb"]["Keys"]["crew_id"]["S"][:8]) for r in batch["Records"]}
    assert ("MODIFY", "#event") in kinds and ("INSERT", "#counter") in kinds
    assert handle(batch, None) == {"batchItemFailures": []}
    [note] = mailer.sent  # the void is news for the admin (issue 16); the edit and counter not
    assert note.to == ADMIN and note.subject.startswith("Payment voided: $10.00 from Dana Lee")
    assert "Voided by:  cory" in note.text and "Reason:     typo" in note.text


def test_a_failing_send_is_retried_and_does_not_lose_the_others(
    create_event, crew, store, stream, handle, mailer, caplog
):
    create_event()
    first = pay(crew, "40.00").json["payment"]
    pay(crew, "25.00", patron_id="sam")
    sign(store, EID)
    batch = stream.take()
    mailer.fail["$40.00"] = NotifyError("Gmail send did not succeed in 2 attempts: HTTP 500")

    with caplog.at_level(logging.INFO, logger="scc.notify"):
        answer = handle(batch, None)

    failed_seq = seq_of(batch, first["payment_id"])
    assert answer == {"batchItemFailures": [{"itemIdentifier": failed_seq}]}
    assert sorted(m.subject.split(" ")[0] for m in mailer.sent) == ["Payment", "Waiver", "Your"]
    assert f"crew_id=#event seq={failed_seq}" in caplog.text
    assert f"key payment#{first['payment_id']}" in caplog.text and "to be retried" in caplog.text

    # Lambda redelivers from the failed record on: only what was not sent goes out.
    del mailer.fail["$40.00"]
    mailer.sent.clear()
    retry = {
        "Records": [
            r for r in batch["Records"] if int(r["dynamodb"]["SequenceNumber"]) >= int(failed_seq)
        ]
    }
    assert handle(retry, None) == {"batchItemFailures": []}
    assert [m.subject[:24] for m in mailer.sent] == ["Payment logged: $40.00 f"]


def test_a_redelivered_batch_sends_nothing_twice(create_event, crew, stream, handle, mailer):
    create_event()
    pay(crew, "40.00")
    batch = stream.take()
    handle(batch, None)
    handle(copy.deepcopy(batch), None)
    assert len(mailer.sent) == 1


def test_a_permanent_failure_is_logged_and_not_retried(
    create_event, crew, stream, handle, mailer, caplog
):
    create_event()
    pay(crew, "40.00")
    mailer.fail["Payment"] = NotifyError("Gmail refused the message: HTTP 400", permanent=True)
    with caplog.at_level(logging.ERROR, logger="scc.notify"):
        assert handle(stream.take(), None) == {"batchItemFailures": []}
    assert "will not be retried: Gmail refused the message: HTTP 400" in caplog.text


def test_an_unexpected_error_is_a_retry_too(create_event, crew, stream, handle, mailer):
    create_event()
    pay(crew, "40.00")
    mailer.fail["Payment"] = KeyError("bug")
    answer = handle(stream.take(), None)
    assert len(answer["batchItemFailures"]) == 1


def test_a_text_that_no_longer_matches_its_hash_is_not_sent_to_the_signer(
    store, stream, handle, mailer, caplog
):
    trips.create(store, trip(event_id=EID))
    sign(store, EID)
    batch = stream.take()
    for record in batch["Records"]:
        if record["dynamodb"]["Keys"]["crew_id"]["S"].startswith("#waiver#"):
            record["dynamodb"]["NewImage"]["text_sha256"] = {"S": "0" * 64}

    with caplog.at_level(logging.ERROR, logger="scc.notify"):
        assert handle(batch, None) == {"batchItemFailures": []}

    [admin] = mailer.sent
    assert admin.to == ADMIN and "WARNING: the stored record no longer re-renders" in admin.text
    assert "does not match its stored SHA-256; no copy is sent to the signer" in caplog.text


def test_without_an_admin_address_only_the_signer_gets_mail(
    store, stream, mailer, notify_app, caplog, monkeypatch
):
    monkeypatch.setitem(notify_app.config, "ADMIN_EMAIL", "")
    trips.create(store, trip(event_id=EID))
    sign(store, EID)
    with caplog.at_level(logging.WARNING, logger="scc.notify"):
        assert (
            notify.make_stream_handler(notify_app)(stream.take(), None)["batchItemFailures"] == []
        )
    assert [m.to for m in mailer.sent] == ["dana@example.com"]
    assert "SCC_ADMIN_EMAIL is not set" in caplog.text


def test_out_of_time_leaves_every_record_to_the_retry(create_event, crew, stream, handle, mailer):
    create_event()
    pay(crew, "40.00")
    batch = stream.take()
    answer = handle(batch, Context(notify.RESERVE_MS - 1))
    assert len(answer["batchItemFailures"]) == len(batch["Records"])
    assert mailer.sent == []
    assert handle(batch, Context(60_000))["batchItemFailures"] == []
    assert len(mailer.sent) == 1


def test_is_stream_event_and_dispatch() -> None:
    record = {"eventSource": "aws:dynamodb", "dynamodb": {}}
    assert notify.is_stream_event({"Records": [record]})
    for other in ({"version": "2.0", "rawPath": "/"}, {"Records": []}, {"Records": [{}]}, []):
        assert not notify.is_stream_event(other)
    handler = notify.dispatch(lambda e, c: "http", lambda e, c: "stream", lambda e, c: "job")
    assert handler({"Records": [record]}, None) == "stream"
    assert handler({"rawPath": "/api/health"}, None) == "http"
    assert handler({"scc_job": "reminders"}, None) == "job"
    assert handler({"scc_job": 3}, None) == "http"  # not a job's event: apig-wsgi says so


def test_the_lambda_entry_handler_sends_stream_batches_to_notifications(
    create_event, crew, store, stream, monkeypatch
):
    import lambda_entry

    recorder = Recorder()
    monkeypatch.setitem(lambda_entry.app.config, "ADMIN_EMAIL", ADMIN)
    monkeypatch.setitem(lambda_entry.app.extensions, "scc.mailer", recorder)
    create_event()
    pay(crew, "40.00")

    assert lambda_entry.handler(stream.take(), None) == {"batchItemFailures": []}
    assert [m.to for m in recorder.sent] == [ADMIN]


def test_ledger_labels_cover_every_method() -> None:
    assert set(METHOD_LABELS) == set(METHODS)


def test_the_dev_server_reads_the_stream_like_lambda(
    create_event, crew, stream, notify_app, mailer
):
    with notify_app.app_context():  # the stream turned on (`stream`), read by a reader of its own
        reader = dev_stream.StreamReader(get_store())  # from now on (LATEST), as `make dev` starts
    create_event()
    pay(crew, "40.00")

    handler = notify.make_stream_handler(notify_app)
    assert dev_stream.poll_once(reader, handler) == 2  # the trip created, then its payment
    assert dev_stream.poll_once(reader, handler) == 0  # the sent marker: filtered out
    assert [m.subject[:22] for m in mailer.sent] == ["Payment logged: $40.00"]
