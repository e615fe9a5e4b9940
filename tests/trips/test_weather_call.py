"""The weather call (issue 26), through lambda_entry.handler: a day's trips cancelled or moved in
one step, each its own write through the single cancel or reschedule; what could not be done is
reported with why, and nothing is half-written. Patrons hear of it from the stream, as for one
cancel."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.builders import event_body
from tests.support.harness import Api
from tests.support.notify import Recorder, Stream

DAY = "2030-05-23"
MORNING, NOON, SUNSET = (f"{DAY}-{n}" for n in ("bay-morning", "whales-afternoon", "cruise-sunset"))
DANA = {"patron_id": "dana", "name": "Dana Lee", "email": "dana@example.com", "amount_due": "200"}


@pytest.fixture
def day(api: Api, stream: Stream) -> Api:
    """Three trips on one day; Dana paid 80 on the afternoon's."""
    for name, period in (("bay", "morning"), ("whales", "afternoon"), ("cruise", "sunset")):
        patrons = [DANA] if name == "whales" else None
        body = event_body(name=name, period=period, crew=[], patrons=patrons)
        assert api("POST", "/api/events", body).status == 201
    paid = {"patron_id": "dana", "amount": "80", "method": "cash"}
    assert api("POST", f"/api/events/{NOON}/payment-log", paid).status == 201
    stream.take()
    return api


def test_cancelling_a_day_cancels_each_trip_and_says_what_is_owed(
    day: Api, stream: Stream, handler: Any, mailer: Recorder
) -> None:
    answer = day("POST", f"/api/days/{DAY}/cancel", {"reason": "small craft advisory"})
    assert answer.status == 200
    assert answer.json == {
        "date": DAY,
        "cancelled": [MORNING, SUNSET, NOON],  # the day's trips by id
        "skipped": [],
        "refunds_owed": [
            {"event_id": NOON, "patron_id": "dana", "name": "Dana Lee", "amount": "80.00"}
        ],
    }
    for eid in (MORNING, NOON, SUNSET):
        trip = day("GET", f"/api/events/{eid}").json
        assert (
            trip["status"] == "cancelled" and trip["cancelled"]["reason"] == "small craft advisory"
        )
    handler(stream.take(), None)
    [notice] = [m for m in mailer.sent if m.to == "dana@example.com"]
    assert "You have paid $80.00; it will be refunded" in notice.text
    again = day("POST", f"/api/days/{DAY}/cancel", {"reason": "still blowing"})
    assert again.json["cancelled"] == [] and again.json["skipped"] == []  # none scheduled
    named = day("POST", f"/api/days/{DAY}/cancel", {"reason": "x", "event_ids": [NOON]})
    assert named.json["skipped"] == [{"event_id": NOON, "error": "This trip is already cancelled."}]


def test_moving_a_day_moves_each_trip_and_reports_the_one_that_cannot(
    day: Api, store: Any, handler: Any, mailer: Recorder
) -> None:
    # Sunday already has a morning trip with the morning trip's name: that one can't move.
    taken = event_body(date="2030-05-26", name="bay", period="morning", crew=[])
    assert day("POST", "/api/events", taken).status == 201
    answer = day("POST", f"/api/days/{DAY}/reschedule", {"to": "2030-05-26"})
    assert answer.status == 200
    assert answer.json["moved"] == [
        {"from": SUNSET, "to": "2030-05-26-cruise-sunset"},
        {"from": NOON, "to": "2030-05-26-whales-afternoon"},
    ]
    [failed] = answer.json["failed"]
    assert failed["event_id"] == MORNING and "already a trip" in failed["error"]
    assert day("GET", f"/api/events/{MORNING}").json["status"] == "scheduled"  # untouched
    moved = day("GET", "/api/events/2030-05-26-whales-afternoon").json
    assert moved["paid_total"] == "80.00" and moved["moved_from"] == [NOON]
    activity = day("GET", "/api/events/2030-05-26-whales-afternoon/activity").json["activity"]
    assert activity[0]["action"] == "rescheduled" and activity[0]["by"] == "cory"
    # Dana hears of the new date once, with her own links to the moved trip (from the stream)
    # moto rolls a refused transaction back by putting back a copy of the table, its stream's
    # shard included, so a reader opened before (the `stream` fixture) sees nothing after it; on
    # AWS the stream goes on. A reader opened now reads the whole stream, as Lambda would have.
    handler(Stream(store).take(), None)
    [notice] = [m for m in mailer.sent if m.to == "dana@example.com"]
    assert "2030-05-26" in notice.subject and "/g/2030-05-26-whales-afternoon/" in notice.text


def test_the_weather_call_is_for_owners_and_checks_its_body(day: Api, store: Any) -> None:
    from tests.support.domain import on_roster

    assert day("POST", f"/api/days/{DAY}/cancel", {}).json["field"] == "reason"
    assert day("POST", f"/api/days/{DAY}/reschedule", {"to": DAY}).status == 422
    assert day("POST", "/api/days/2030-13-01/cancel", {"reason": "x"}).status == 422
    bad = day("POST", f"/api/days/{DAY}/cancel", {"reason": "x", "event_ids": ["2030-05-24-x"]})
    assert bad.status == 422 and bad.json["field"] == "event_ids"
    on_roster(store, "cory", "owner")
    on_roster(store, "jess", "crew")
    assert day.as_crew("jess")("POST", f"/api/days/{DAY}/cancel", {"reason": "x"}).status == 403
    dialog = day("GET", f"/api/days/{DAY}/weather", htmx=True).text
    assert "Weather call" in dialog and MORNING in dialog
    board = day("GET", "/api/events", htmx=True).text
    assert "Weather call" in board
