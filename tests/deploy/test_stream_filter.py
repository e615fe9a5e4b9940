"""The stream mapping's filter, applied as Lambda applies it to real stream batches from moto:
"If none of your filters are satisfied, Lambda discards the record"
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html). moto's own
EventBridge pattern matcher applies the patterns (the same pattern language)."""

from __future__ import annotations

import json
from typing import Any

from moto.events.models import EventPattern

from deploy.streams import SETTINGS
from tests.support.builders import TRIP_ID, event_body
from tests.support.harness import Api
from tests.support.notify import Stream

PATTERNS = [EventPattern.load(f["Pattern"]) for f in SETTINGS["FilterCriteria"]["Filters"]]


def passed(batch: dict[str, Any]) -> list[tuple[str, str, str]]:
    """What Lambda would deliver of a batch: (event, trip id, sort key) of each passing record."""
    return [
        (r["eventName"], r["dynamodb"]["Keys"]["eid"]["S"], r["dynamodb"]["Keys"]["crew_id"]["S"])
        for r in batch["Records"]
        if any(p.matches_event(json.loads(json.dumps(r, default=str))) for p in PATTERNS)
    ]


def test_a_new_trip_and_a_reschedule_reach_the_function(api: Api, stream: Stream) -> None:
    stream.take(unfiltered=True)
    assert api("POST", "/api/events", event_body()).status == 201
    assert ("INSERT", TRIP_ID, "#event") in passed(
        stream.take(unfiltered=True)
    )  # its crew hear of it
    moved = api("POST", f"/api/events/{TRIP_ID}/reschedule", {"date": "2030-06-01"})
    assert moved.status == 200, moved.body
    delivered = passed(stream.take(unfiltered=True))
    new_id = moved.json["event_id"]
    assert ("INSERT", new_id, "#event") in delivered  # the patrons' new-date notices
    assert all(not key.startswith("#counter") for _, _, key in delivered)


def test_crew_items_and_counters_are_left_behind(api: Api, stream: Stream) -> None:
    assert api("POST", "/api/events", event_body()).status == 201
    batch = stream.take(unfiltered=True)
    assert any(r["dynamodb"]["Keys"]["crew_id"]["S"] == "cory" for r in batch["Records"])
    assert all(key == "#event" for _, _, key in passed(batch))
