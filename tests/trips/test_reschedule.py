"""Rescheduling and cancelling, through lambda_entry.handler: the trip moves whole to its new id
in one transaction, old links redirect, and a cancelled trip stays on the board, marked."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from scc import activity
from scc.errors import Moved, Stale
from scc.models import CheckIn
from scc.store import Store, changes, keys, moves, trips
from scc.store.changes import TripChange
from scc.store.items import serialize
from tests.support import builders
from tests.support.builders import TRIP_ID, event_body
from tests.support.domain import sign
from tests.support.dynamodb import ROSTER_CHECK
from tests.support.harness import Api

TRIP = f"/api/events/{TRIP_ID}"
NEW_ID = "2030-06-02-captain-cory-afternoon"


@pytest.fixture
def trip(api: Api, store: Store) -> dict[str, Any]:
    assert api("POST", "/api/events", event_body()).status == 201
    api("POST", f"{TRIP}/payment-log", {"patron_id": "dana", "amount": "50.00", "method": "cash"})
    api("POST", f"{TRIP}/patrons/dana/check-in", {"status": "aboard", "confirm": True})
    sign(store, email="dana@example.com")
    data: dict[str, Any] = api("GET", TRIP).json
    return data


def test_a_reschedule_moves_everything_in_one_transaction(
    api: Api, trip: Any, store: Store, ddb_calls: Any
) -> None:
    ddb_calls.clear()
    answer = api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02", "rev": trip["rev"]})
    assert ddb_calls.calls == [*ROSTER_CHECK, "Query", "TransactWriteItems"]
    assert answer.status == 200
    moved = answer.json
    assert moved["event_id"] == NEW_ID and moved["date"] == "2030-06-02"
    assert moved["paid_total"] == "50.00" and moved["payments"][0]["amount"] == "50.00"
    assert moved["patrons"][0]["check_in"] == "aboard" and moved["patrons"][0]["waiver_signed"]
    assert moved["moved_from"] == [TRIP_ID] and moved["rev"] == trip["rev"] + 1
    activity = api("GET", f"/api/events/{NEW_ID}/activity").json["activity"]
    assert activity[0]["action"] == "rescheduled" and activity[0]["by"] == "cory"
    assert [e["action"] for e in activity[1:]] == [
        "waiver_signed",
        "check_in",
        "payment",
        "created",
    ]
    waivers = api("GET", f"/api/events/{NEW_ID}/waivers").json["waivers"]
    assert [w["full_name"] for w in waivers] == ["Dana Lee"]
    assert list(store.collection(TRIP_ID, keys.WAIVER_PREFIX)) == []
    crew = [i["crew_id"] for i in store.collection(NEW_ID) if not i["crew_id"].startswith("#")]
    assert crew == ["cory"]


def test_the_old_id_points_to_the_new_one(api: Api, trip: Any) -> None:
    api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02"})
    assert api("GET", TRIP).json == {"event_id": TRIP_ID, "moved_to": NEW_ID, "status": "moved"}
    card = api("GET", TRIP, htmx=True).text
    assert card.startswith(f'<article id="event-{NEW_ID}"')
    # a write to the old id is refused, naming where the trip went
    late = api("POST", f"{TRIP}/payment-log", {"patron_id": "sam", "amount": "5", "method": "cash"})
    assert late.status == 409 and NEW_ID in late.json["error"]
    board = [e["event_id"] for e in api("GET", "/api/events", query="when=all").json["events"]]
    assert board == [NEW_ID]


def test_links_sent_before_the_move_keep_working(
    api: Api, trip: Any, client: Any, app: Any
) -> None:
    links = api("GET", f"{TRIP}/pay-links", htmx=True).text
    [pay_link] = re.findall(r'data-copy="(/g/[^"]+/payment\?p=[^"]+)"', links)[:1]
    pay_link = pay_link.replace("&amp;", "&")
    api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02"})
    waiver = api("GET", f"/g/{TRIP_ID}/waiver", query="utm=sms")
    assert waiver.status == 302 and waiver.headers["location"] == f"/g/{NEW_ID}/waiver?utm=sms"
    paid = api("GET", pay_link.split("?")[0], query=pay_link.split("?")[1])
    assert paid.status == 302 and paid.headers["location"].startswith(f"/g/{NEW_ID}/payment?p=")
    page = api("GET", f"/g/{NEW_ID}/payment", query=paid.headers["location"].split("?")[1])
    assert page.status == 200 and "Dana Lee" in page.text and "$50.00" in page.text
    posted = api("POST", f"/g/{TRIP_ID}/waiver", form={"full_name": "Sam Ortiz"})
    assert posted.status == 307 and posted.headers["location"] == f"/g/{NEW_ID}/waiver"


def test_a_reschedule_keeps_the_payments_of_patrons_taken_off_the_manifest(
    api: Api, trip: Any
) -> None:
    body = {"patron_id": "sam", "amount": "30.00", "method": "cash"}
    paid = api("POST", f"{TRIP}/payment-log", body).json["payment"]["payment_id"]
    back = {"patron_id": "sam", "amount": "30.00", "method": "cash", "reason": "can't come"}
    assert api("POST", f"{TRIP}/refunds", back).status == 201
    assert api("DELETE", f"{TRIP}/patrons/sam").status == 200
    assert api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02"}).status == 200
    moved = api("GET", f"/api/events/{NEW_ID}").json
    assert sorted((p["patron_id"], p["amount"]) for p in moved["payments"]) == [
        ("dana", "50.00"),
        ("sam", "30.00"),
    ]
    assert paid in {p["payment_id"] for p in moved["payments"]}
    assert [(r["patron_id"], r["amount"]) for r in moved["refunds"]] == [("sam", "30.00")]
    assert [p["patron_id"] for p in moved["patrons"]] == ["dana"]


def test_a_trip_moved_back_to_its_first_date_lives_there_again(
    api: Api, trip: Any, store: Store
) -> None:
    assert api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02"}).status == 200
    back = api("POST", f"/api/events/{NEW_ID}/reschedule", {"date": "2030-05-23"})
    assert back.status == 200, back.text
    assert back.json["event_id"] == TRIP_ID and back.json["moved_from"] == [NEW_ID]
    live = api("GET", TRIP).json
    assert live["event_id"] == TRIP_ID and live["date"] == "2030-05-23"
    assert [(p["patron_id"], p["amount"]) for p in live["payments"]] == [("dana", "50.00")]
    assert live["patrons"][0]["check_in"] == "aboard" and live["patrons"][0]["waiver_signed"]
    assert api("GET", f"/api/events/{NEW_ID}").json["moved_to"] == TRIP_ID  # B's links lead back
    waivers = api("GET", f"{TRIP}/waivers").json["waivers"]
    assert [w["full_name"] for w in waivers] == ["Dana Lee"]
    assert list(store.collection(NEW_ID, keys.WAIVER_PREFIX)) == []
    # and on again: both earlier ids point to the trip's third date
    third = "2030-06-09-captain-cory-afternoon"
    assert api("POST", f"{TRIP}/reschedule", {"date": "2030-06-09"}).json["event_id"] == third
    for earlier in (TRIP_ID, NEW_ID):
        assert api("GET", f"/api/events/{earlier}").json["moved_to"] == third
    board = [e["event_id"] for e in api("GET", "/api/events", query="when=all").json["events"]]
    assert board == [third]


def test_a_reschedule_onto_another_trips_old_id_is_409(api: Api, trip: Any) -> None:
    assert api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02"}).status == 200
    assert api("POST", "/api/events", event_body(date="2030-06-09")).status == 201
    other = "/api/events/2030-06-09-captain-cory-afternoon"
    answer = api("POST", f"{other}/reschedule", {"date": "2030-05-23"})
    assert answer.status == 409 and f"already a trip {TRIP_ID}" in answer.json["error"]
    assert api("GET", TRIP).json["moved_to"] == NEW_ID  # the first trip's old links still work


def test_a_reschedule_onto_an_existing_trip_is_409(api: Api, trip: Any) -> None:
    assert api("POST", "/api/events", event_body(date="2030-06-02")).status == 201
    answer = api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02"})
    assert answer.status == 409 and f"already a trip {NEW_ID}" in answer.json["error"]
    hx = api("POST", f"{TRIP}/reschedule", form={"date": "2030-06-02"}, htmx=True)
    assert hx.status == 409 and hx.headers["hx-retarget"] == "#reschedule-error"
    assert api("GET", TRIP).json["event_id"] == TRIP_ID  # nothing moved
    other = api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02", "period": "sunset"})
    assert other.json["event_id"] == "2030-06-02-captain-cory-sunset"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"date": "2030-05-23"}, "date"), ({"date": "someday"}, "date"), ({}, "date")],
)
def test_a_reschedule_needs_a_new_date(api: Api, trip: Any, body: Any, field: str) -> None:
    answer = api("POST", f"{TRIP}/reschedule", body)
    assert answer.status == 422 and answer.json["field"] == field


def test_a_stale_reschedule_is_409(api: Api, trip: Any) -> None:
    api.as_crew("jess")("PATCH", TRIP, {"title": "Renamed"})
    answer = api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02", "rev": trip["rev"]})
    assert answer.status == 409 and answer.json["error"].startswith("Changed by jess")


def test_a_trip_past_one_transaction_is_refused_and_one_near_it_moves(
    api: Api, trip: Any, store: Store
) -> None:
    [waiver] = list(store.collection(TRIP_ID, keys.WAIVER_PREFIX))
    copies = [
        {**waiver, "crew_id": f"{keys.WAIVER_PREFIX}2030-01-01T00:00:{n:02d}.000Z#{n:012x}"}
        for n in range(moves.MAX_COPIES - 2)
    ]  # with the first waiver and cory's crew item: as many as one transaction can copy
    for i in range(0, len(copies), 25):
        batch = [{"PutRequest": {"Item": serialize(item)}} for item in copies[i : i + 25]]
        store.call("batch_write_item", RequestItems={store.table: batch})
    moved = api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02"})
    assert moved.status == 200  # copies in the transaction, the old ones deleted after it
    assert len(list(store.collection(NEW_ID, keys.WAIVER_PREFIX))) == moves.MAX_COPIES - 1
    assert list(store.collection(TRIP_ID, keys.WAIVER_PREFIX)) == []
    api("PUT", f"/api/events/{NEW_ID}/crew/maya", {"role": "mate"})  # one item too many
    refused = api("POST", f"/api/events/{NEW_ID}/reschedule", {"date": "2030-06-03"})
    assert refused.status == 409 and f"at most {moves.MAX_COPIES}" in refused.json["error"]
    assert api("GET", f"/api/events/{NEW_ID}").json["event_id"] == NEW_ID


def test_cancel_keeps_the_trip_marked_and_refuses_a_second_time(api: Api, trip: Any) -> None:
    answer = api("POST", f"{TRIP}/cancel", {"reason": "small craft advisory"}, htmx=True)
    assert answer.status == 200 and "Cancelled" in answer.text and "To refund" in answer.text
    assert "small craft advisory" in answer.text and "Log Payment" not in answer.text
    data = api("GET", TRIP).json
    assert data["status"] == "cancelled" and data["paid_total"] == "50.00"
    assert (
        data["cancelled"]["by"] == "cory" and data["cancelled"]["reason"] == "small craft advisory"
    )
    again = api("POST", f"{TRIP}/cancel", {"reason": "again"})
    assert again.status == 409 and again.json["error"] == "This trip is already cancelled."
    hx = api("POST", f"{TRIP}/cancel", form={"reason": "again"}, htmx=True)
    assert hx.status == 409 and hx.headers["hx-retarget"] == "#cancel-error"
    assert [e["event_id"] for e in api("GET", "/api/events").json["events"]] == [TRIP_ID]
    refused = api(
        "POST", f"{TRIP}/payment-log", {"patron_id": "sam", "amount": "5", "method": "cash"}
    )
    assert refused.status == 409 and "cancelled" in refused.json["error"]
    assert (
        api("POST", f"{TRIP}/patrons/sam/check-in", {"status": "aboard", "confirm": True}).status
        == 409
    )
    assert api("POST", f"{TRIP}/reschedule", {"date": "2030-06-02"}).status == 409


def test_cancel_needs_a_reason_and_the_current_rev(api: Api, trip: Any) -> None:
    assert api("POST", f"{TRIP}/cancel", {"reason": ""}).json["field"] == "reason"
    stale = api("POST", f"{TRIP}/cancel", {"reason": "wind", "rev": trip["rev"] - 1})
    assert stale.status == 409 and "event" in stale.json
    assert api("GET", TRIP).json["status"] == "scheduled"


def test_a_move_from_an_older_read_is_refused_as_every_rev_guarded_write_is(
    store: Store,
) -> None:
    """The move's guard is changes.moved_out and its refusal trips.refusal: Stale with the trip
    as it is now, or Moved when another reschedule got in first; nothing is written."""
    whole = trips.get_collection(store, trips.create(store, builders.trip()).event_id)
    read = whole.event
    entry = activity.entry("cory", "rescheduled", "2030-05-23 → 2030-06-02")
    moved = replace(read, event_id=NEW_ID, date="2030-06-02")
    aboard = CheckIn(status="aboard", by="jess", at=entry.at)
    trips.change(store, TRIP_ID, TripChange(changes.check_in("dana", aboard), (entry,)))
    with pytest.raises(Stale) as stale:
        moves.move(store, whole, moved, entry)
    assert stale.value.event.rev == read.rev + 1 and stale.value.event.check_ins["dana"] == aboard
    assert store.get(keys.event(NEW_ID)) is None
    now = trips.get_collection(store, TRIP_ID)
    moves.move(store, now, replace(moved, rev=now.event.rev), entry)
    elsewhere = replace(now.event, event_id="2030-06-09-captain-cory-afternoon", date="2030-06-09")
    with pytest.raises(Moved) as gone:
        moves.move(store, now, elsewhere, entry)
    assert gone.value.moved_to == NEW_ID
