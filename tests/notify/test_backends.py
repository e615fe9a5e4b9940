"""Notifications end to end: a real payment and signature through lambda_entry.handler, the
table's stream, then SES (moto) or Gmail (the fake Google server), sent by an app configured
for that backend; and the crew's request never waits on any of it."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask

from scc.notify import mail
from scc.notify import stream as notify
from scc.notify.gmail import GmailMailer
from tests.support.apps import make_app
from tests.support.builders import ADMIN, SENDER, event_body, waiver_form
from tests.support.builders import TRIP_ID as EID
from tests.support.fake_google import CLIENT_SECRET, REFRESH_TOKEN, FakeGoogle, parts
from tests.support.harness import Session, pay
from tests.support.notify import Stream, seq_of


def trip_with_a_payment_and_a_waiver(client: Session, *, amount: str = "40.00") -> Any:
    """Sign in (the roster empty: as its first owner), create a trip, log a payment and sign a
    waiver; the payment's JSON."""
    assert client.login().status == 200
    assert client("POST", "/api/events", event_body()).status == 201
    payment = pay(client, amount).json["payment"]
    signed = client("POST", f"/g/{EID}/waiver", form=waiver_form(email="dana@example.com"))
    assert signed.status == 201
    return payment


def test_ses_delivers_the_payment_note_the_waiver_note_and_the_copy(
    client: Session, stream: Stream, ses: list[Any]
) -> None:
    app = make_app(ADMIN_EMAIL=ADMIN, MAIL_FROM=SENDER)
    payment = trip_with_a_payment_and_a_waiver(client)

    answer = notify.make_stream_handler(app)(stream.take(), None)

    assert answer == {"batchItemFailures": []}
    assert isinstance(app.extensions["scc.mailer"], mail.SesMailer)
    by_subject = {m.subject.split(" – ")[0].split(":")[0]: m for m in ses}
    assert set(by_subject) == {"Payment logged", "Waiver signed", "Your signed waiver"}
    note = by_subject["Payment logged"]
    assert note.source == SENDER and note.destinations == {"ToAddresses": [ADMIN]}
    assert "from Dana Lee (Cash)" in note.subject
    assert "<strong>$40.00</strong>" in note.body and payment["payment_id"] in note.body
    copy = by_subject["Your signed waiver"]
    assert copy.destinations == {"ToAddresses": ["dana@example.com"]}
    assert "RELEASE OF LIABILITY, WAIVER OF CLAIMS AND ASSUMPTION OF RISK" in copy.body


@pytest.fixture
def gmail_app(google: FakeGoogle, aws: None) -> Flask:
    return make_app(**google.config(ADMIN_EMAIL=ADMIN, MAIL_FROM=f"SCC Office <{SENDER}>"))


def test_gmail_delivers_all_three_with_one_token(
    client: Session, stream: Stream, google: FakeGoogle, gmail_app: Flask
) -> None:
    trip_with_a_payment_and_a_waiver(client)

    assert notify.make_stream_handler(gmail_app)(stream.take(), None) == {"batchItemFailures": []}

    assert len(google.token_requests) == 1
    assert [m["To"] for m in google.sent] == [ADMIN, ADMIN, "dana@example.com"]
    assert {m["From"] for m in google.sent} == {f"SCC Office <{SENDER}>"}
    text, html = parts(google.sent[2])
    assert "----- The waiver you signed -----\nRELEASE OF LIABILITY" in text
    assert "RELEASE OF LIABILITY" in html


def test_gmail_500_is_logged_for_a_retry_and_the_request_was_201(
    client: Session,
    stream: Stream,
    google: FakeGoogle,
    gmail_app: Flask,
    caplog: pytest.LogCaptureFixture,
) -> None:
    google.send_script[:] = [500, 500]  # the payment note's two attempts
    payment = trip_with_a_payment_and_a_waiver(client)  # asserts 201 and 201
    batch = stream.take()

    with caplog.at_level(logging.INFO, logger="scc.notify"):
        answer = notify.make_stream_handler(gmail_app)(batch, None)

    seq = seq_of(batch, payment["payment_id"])
    assert answer == {"batchItemFailures": [{"itemIdentifier": seq}]}
    assert [m["To"] for m in google.sent] == [ADMIN, "dana@example.com"]  # the others went
    assert "did not succeed in 2 attempts: HTTP 500" in caplog.text
    assert f"eid={EID} crew_id=#event seq={seq}" in caplog.text
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, *google.issued):
        assert secret not in caplog.text


def test_the_crews_request_never_touches_mail_even_when_mail_is_broken(
    app: Flask, client: Session, google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the request path sent mail")

    for target, name in ((mail, "mailer_for"), (GmailMailer, "send"), (mail.SesMailer, "send")):
        monkeypatch.setattr(target, name, never)
    broken = google.config(
        ADMIN_EMAIL="not an address",
        GMAIL_TOKEN_URL="http://127.0.0.1:9/token",
        GMAIL_API_URL="http://127.0.0.1:9",
    )
    for key, value in broken.items():  # lambda_entry's app, set up for a broken Gmail
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.delitem(app.extensions, "scc.mailer", raising=False)

    payment = trip_with_a_payment_and_a_waiver(client)
    htmx = client(
        "POST",
        f"/api/events/{EID}/payment-log",
        form={"patron_id": "sam", "amount": "5.00", "method": "venmo"},
        htmx=True,
    )

    assert payment["amount"] == "40.00" and htmx.status == 200
    assert google.token_requests == [] and google.send_attempts == []
    assert "scc.mailer" not in app.extensions
