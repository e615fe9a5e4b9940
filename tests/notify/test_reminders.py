"""Patron reminders: the job behind `{"scc_job": "reminders"}`, run through lambda_entry.handler
on moto, its mail read back from moto's SES. Only what is missing, one message per mark, none
twice (two runs at once included), late patrons caught up, cancelled and turned-off trips
spared, no-email patrons recorded as skipped, failures retried and then given up on."""

from __future__ import annotations

import re
import threading
from datetime import datetime
from typing import Any
from urllib.parse import unquote

import boto3
import pytest

from scc import clock
from tests.support.builders import SENDER, event_body, waiver_form
from tests.support.clock import movable
from tests.support.harness import Api

JOB = {"scc_job": "reminders"}
EID = "2030-05-23-sunset"
TRIP = f"/api/events/{EID}"
SITE = "https://scc.example"
PATRONS = [
    {"patron_id": "ann", "name": "Ann Park", "email": "ann@example.com", "amount_due": "175"},
    {"patron_id": "bob", "name": "Bob Reyes", "email": "bob@example.com", "amount_due": "100"},
    {"patron_id": "cat", "name": "Cat Moss", "phone": "619-555-0100", "amount_due": "50"},
]
# 10:00 in San Diego (SCC_TIMEZONE's default), 3, 2 and 1 days before the trip on the 23rd
THREE_DAYS, TWO_DAYS, ONE_DAY = (
    datetime(2030, 5, day, 17, 0, tzinfo=clock.UTC) for day in (20, 21, 22)
)


@pytest.fixture
def when(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The clock, moved by setting when[0]."""
    return movable(monkeypatch, THREE_DAYS)


@pytest.fixture
def api(when: list[datetime], handler: Any) -> Api:
    """Signed in at the test's time (a token from today would have expired by 2030)."""
    return Api(handler)


@pytest.fixture
def job(handler: Any, ses: list[Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The job through lambda_entry.handler, mailing through moto's SES."""
    import lambda_entry

    config = lambda_entry.app.config
    for key, value in (("MAIL_BACKEND", "ses"), ("MAIL_FROM", SENDER), ("SITE_URL", SITE)):
        monkeypatch.setitem(config, key, value)
    monkeypatch.delitem(lambda_entry.app.extensions, "scc.mailer", raising=False)
    return lambda: handler(dict(JOB), None)


def sunset(
    api: Api, patrons: list[dict[str, Any]] = PATRONS, name: str = "sunset", **extra: Any
) -> None:
    body = event_body(name=name, period=None, total="325", patrons=patrons, confirm=True, **extra)
    assert api("POST", "/api/events", body).status == 201


def to(ses: list[Any], address: str) -> list[Any]:
    return [m for m in ses if m.destinations["ToAddresses"] == [address]]


def sender(*, verified: bool) -> None:
    """Verify SENDER in moto's SES, or take it away (SES then rejects what it sends)."""
    ses = boto3.client("ses", region_name="us-west-2")
    if verified:
        ses.verify_email_identity(EmailAddress=SENDER)
    else:
        ses.delete_identity(Identity=SENDER)


def move(when: list[datetime], api: Api, moment: datetime) -> None:
    """Move the clock, and sign in again (a session lasts 12 hours)."""
    when[0] = moment
    api.token = api.http.token(api.crew_id)


def reminders(api: Api, eid: str = EID) -> dict[str, Any]:
    found: dict[str, Any] = api("GET", f"/api/events/{eid}").json["reminders"]
    return found


def test_each_patron_hears_only_what_they_miss_once_a_mark(
    api: Api, job: Any, ses: list[Any], when: list[datetime]
) -> None:
    sunset(api)
    api("POST", f"{TRIP}/payment-log", {"patron_id": "bob", "amount": "100", "method": "cash"})
    bob_signs = waiver_form(full_name="Bob Reyes", email="bob@example.com", signature="Bob Reyes")
    assert api("POST", f"/g/{EID}/waiver", form=bob_signs).status == 201

    assert job() == {"job": "reminders", "sent": 1, "skipped": 1, "failed": 0}
    assert job() == {"job": "reminders", "sent": 0, "skipped": 0, "failed": 0}  # once a mark
    (ann,) = ses
    assert ann.destinations == {"ToAddresses": ["ann@example.com"]}
    assert ann.subject == (
        "Before your trip: please sign the waiver and pay the balance – Sunset, 2030-05-23"
    )
    assert "$175.00" in ann.body and "Bob" not in ann.body and "Cat" not in ann.body
    waiver, pay = re.findall(rf"{SITE}(/g/[^\s\"<]+)", ann.body.replace("&amp;", "&"))[:2]
    path, query = pay.split("?")
    assert "Ann Park" in api("GET", path, query=query).text  # her own link
    kept = reminders(api)
    assert set(kept) == {"ann", "cat"}  # Bob misses nothing: nothing kept, nothing sent
    assert kept["ann"] | {"at": ""} == {
        "mark": 3,
        "status": "sent",
        "missing": ["waiver", "balance"],
        "at": "",
    }
    assert kept["cat"]["status"] == "skipped"

    ann_signs = waiver_form(full_name="Ann Park", email="ann@example.com", signature="Ann Park")
    assert api("POST", f"/g/{EID}/waiver", form=ann_signs).status == 201
    move(when, api, TWO_DAYS)
    assert job()["sent"] == 0  # the 3-day reminder covers two days out
    move(when, api, ONE_DAY)
    assert job() == {"job": "reminders", "sent": 1, "skipped": 1, "failed": 0}
    day_before = to(ses, "ann@example.com")[1]
    assert day_before.subject.startswith("Before your trip: please pay the balance –")
    assert "waiver" not in day_before.body and "$175.00" in day_before.body
    assert reminders(api)["ann"]["missing"] == ["balance"]
    card = api("GET", TRIP, htmx=True).text
    assert "Reminded 1 · 1 without email" in card
    assert "Text Cat Moss a reminder</button>" in card and "sms:" not in card
    dialog = api("GET", f"{TRIP}/patrons/cat/contact", htmx=True).text  # where her number is
    (sms,) = re.findall(r'href="(sms:[^"]*)"', dialog)
    body = unquote(sms.replace("&amp;", "&"))
    assert sms.startswith("sms:619-555-0100?&amp;body=".replace("-", "")) and "Cat Moss" in body
    assert f"$50.00 is still due: {SITE}/g/{EID}/payment?p=" in body and "Ann" not in body
    log = api("GET", f"{TRIP}/activity").json["activity"]
    said = [e["summary"] for e in log if e["action"] == "reminder"]
    assert any("Reminded Ann Park by email (1 day(s) before" in s for s in said), said
    assert any("Not reminded: Cat Moss has no email" in s for s in said), said


def test_a_late_booking_gets_the_due_mark_on_the_next_run(
    api: Api, job: Any, ses: list[Any], when: list[datetime]
) -> None:
    sunset(api, PATRONS[:1])
    move(when, api, ONE_DAY)
    assert job()["sent"] == 1  # booked late: one message for the 3- and the 1-day marks
    assert reminders(api)["ann"]["mark"] == 1
    dee = {"patron_id": "dee", "name": "Dee Fox", "email": "dee@example.com", "amount_due": "20"}
    assert api("POST", f"{TRIP}/patrons", dee).status == 201
    assert job()["sent"] == 1
    assert [m.destinations["ToAddresses"][0] for m in ses] == ["ann@example.com", "dee@example.com"]


def test_cancelled_and_turned_off_trips_are_spared(
    api: Api, job: Any, ses: list[Any], when: list[datetime]
) -> None:
    sunset(api)
    assert api("POST", f"{TRIP}/cancel", {"reason": "small craft advisory"}).status == 200
    sunset(api, name="charter", reminders_off=True)
    charter = "/api/events/2030-05-23-charter"
    assert api("GET", charter).json["reminders_off"] is True
    sunset(api, name="private")
    private = "/api/events/2030-05-23-private"
    dialog = api("GET", f"{private}/edit", htmx=True).text
    assert 'name="reminders" value="on" role="switch" checked' in dialog
    rev = api("GET", private).json["rev"]
    bad = api("PATCH", private, {"reminders_off": "maybe", "rev": rev})
    assert bad.status == 422 and "reminders_off is true" in bad.json["error"]
    switched = api("PATCH", private, htmx=True, form=[("rev", str(rev)), ("reminders", "off")])
    assert switched.status == 200 and "Reminders off" in switched.text
    assert job() == {"job": "reminders", "sent": 0, "skipped": 0, "failed": 0}
    assert ses == []


def test_a_failed_send_is_tried_again_and_then_given_up_on(
    api: Api, job: Any, ses: list[Any], when: list[datetime]
) -> None:
    sunset(api, PATRONS[:1])
    sender(verified=False)  # SES refuses to send from it: MessageRejected
    for attempt in (1, 2, 3):
        assert job()["failed"] == 1
        kept = reminders(api)["ann"]
        assert (kept["status"], kept["tries"]) == ("failed", attempt)
        assert "MessageRejected" in kept["why"]
    sender(verified=True)
    assert job() == {"job": "reminders", "sent": 0, "skipped": 0, "failed": 0}  # given up
    assert ses == []


def test_a_failure_is_retried_by_the_next_run(
    api: Api, job: Any, ses: list[Any], when: list[datetime]
) -> None:
    sunset(api, PATRONS[:1])
    sender(verified=False)
    assert job()["failed"] == 1
    sender(verified=True)
    assert job()["sent"] == 1
    assert (reminders(api)["ann"]["status"], len(ses)) == ("sent", 1)


def test_two_runs_at_once_send_nothing_twice(
    api: Api, job: Any, ses: list[Any], when: list[datetime], handler: Any
) -> None:
    """Both runs read the trip before either claims it (a barrier holds each run's first write
    until the other has read); DynamoDB applies writes to one item one at a time, so the lock
    lets one claim through at a time, as AWS would. The claim read second is refused."""
    sunset(api, PATRONS[:2])
    both_read = threading.Barrier(2, timeout=10)
    one_at_a_time = threading.Lock()
    first_write: set[int] = set()
    import lambda_entry

    client_events = lambda_entry.app.extensions["scc.store"].client.meta.events

    def before(**_: Any) -> None:
        me = threading.get_ident()
        if me not in first_write:
            first_write.add(me)
            both_read.wait()
        one_at_a_time.acquire()

    def after(**_: Any) -> None:
        one_at_a_time.release()

    client_events.register("before-call.dynamodb.UpdateItem", before, unique_id="race-before")
    client_events.register("after-call.dynamodb.UpdateItem", after, unique_id="race-after")
    answers: list[dict[str, Any]] = []
    try:
        runs = [threading.Thread(target=lambda: answers.append(job())) for _ in range(2)]
        for run in runs:
            run.start()
        for run in runs:
            run.join(30)
    finally:
        client_events.unregister("before-call.dynamodb.UpdateItem", unique_id="race-before")
        client_events.unregister("after-call.dynamodb.UpdateItem", unique_id="race-after")
    assert sorted(a["sent"] for a in answers) == [0, 2]
    assert sorted(m.destinations["ToAddresses"][0] for m in ses) == [
        "ann@example.com",
        "bob@example.com",
    ]


def test_a_run_with_nothing_due_costs_one_query(
    api: Api, job: Any, ses: list[Any], when: list[datetime], ddb_calls: Any
) -> None:
    sunset(api, PATRONS[:1])
    assert job()["sent"] == 1
    ddb_calls.clear()
    assert job()["sent"] == 0
    assert ddb_calls.calls == ["Query"]


def test_an_unknown_job_does_nothing(handler: Any, ses: list[Any]) -> None:
    assert handler({"scc_job": "sweep"}, None) == {"job": "sweep", "error": "There is no such job."}
    assert ses == []


def test_scc_remind_dry_run_prints_the_mails_and_writes_nothing(
    api: Api, store: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from scc.dev import cli

    sunset(api, PATRONS[:1])
    monkeypatch.setenv("SCC_TABLE", store.table)
    assert cli.main(["remind", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would send: {EID} ann\n  To: ann@example.com\n" in out
    assert "You still owe $175.00" in out and "1 reminder(s) due." in out
    assert reminders(api) == {}
    assert cli.main(["remind"]) == 0  # for real: through the log backend when none is set
    assert f"sent: {EID} ann" in capsys.readouterr().out
    assert reminders(api)["ann"]["status"] == "sent"
