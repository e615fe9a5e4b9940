"""Boats and their passenger limit (issue 26), through lambda_entry.handler: the fleet's routes
and roles; every write that changes a trip's headcount or boat refused past the boat's capacity
(create, edit, add patron, Add to manifest, reschedule), one boat never on two trips at once,
a capacity never lowered below an upcoming trip's headcount; nothing written on a refusal."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest

from scc.errors import Contended
from scc.store import Store, boats, keys
from tests.support.builders import TRIP_ID, event_body
from tests.support.domain import sign
from tests.support.harness import Api

TRIP = f"/api/events/{TRIP_ID}"
FULL = "The Queen carries 6 passengers; this trip would have 7."


@pytest.fixture
def fleet(api: Api) -> Api:
    """The Queen (6) and the Duchess (20)."""
    for boat_id, name, capacity in (("queen", "Queen", 6), ("duchess", "Duchess", 20)):
        body = {"boat_id": boat_id, "name": name, "capacity": capacity}
        assert api("POST", "/api/boats", body).status == 201
    return api


def party(*sizes: int) -> list[dict[str, Any]]:
    return [{"name": f"Patron {n}", "party": size} for n, size in enumerate(sizes, start=1)]


def on_queen(api: Api, *sizes: int, **extra: Any) -> Any:
    return api("POST", "/api/events", event_body(boat="queen", patrons=party(*sizes), **extra))


def record(store: Store, event_id: str = TRIP_ID) -> dict[str, Any] | None:
    return store.get(keys.event(event_id))


def test_the_fleet_routes_and_roles(fleet: Api) -> None:
    listed = fleet("GET", "/api/boats").json["boats"]
    assert [(b["boat_id"], b["name"], b["capacity"], b["active"]) for b in listed] == [
        ("duchess", "Duchess", 20, True),
        ("queen", "Queen", 6, True),
    ]
    taken = fleet("POST", "/api/boats", {"boat_id": "queen", "name": "Q", "capacity": 4})
    assert taken.status == 409 and "already a boat queen" in taken.json["error"]
    bad = fleet("POST", "/api/boats", {"boat_id": "Q!", "name": "", "capacity": 150})
    assert bad.status == 422 and bad.json["field"] == "boat_id"
    changed = fleet("PATCH", "/api/boats/queen", {"capacity": "8", "notes": "six-pack + 2"})
    assert changed.status == 200 and changed.json["capacity"] == 8
    assert fleet("PATCH", "/api/boats/nope", {"capacity": 3}).status == 404
    dialog = fleet("GET", "/api/boats", htmx=True)
    assert dialog.status == 200 and "Add a boat" in dialog.text and "Queen" in dialog.text


def test_a_trip_carries_its_boat_headcount_and_parties(fleet: Api) -> None:
    created = on_queen(fleet, 4, 1)
    assert created.status == 201
    data = fleet("GET", TRIP).json
    assert data["boat"] == {"boat_id": "queen", "name": "Queen", "capacity": 6}
    assert data["headcount"] == 5 and [p["party"] for p in data["patrons"]] == [4, 1]
    board = fleet("GET", "/api/events").json["events"][0]
    assert board["boat"]["name"] == "Queen" and board["headcount"] == 5
    card = " ".join(fleet("GET", TRIP, htmx=True).text.split())
    assert "Queen · 5/6" in card
    dialog = fleet("GET", f"{TRIP}/edit", htmx=True).text
    assert '<option value="queen" selected>Queen · 6 passengers</option>' in dialog
    assert 'name="patron_party"' in dialog and 'value="4"' in dialog


def test_the_demo_has_two_boats_and_a_full_trip() -> None:
    from datetime import date

    from scc.dev import demo

    capacity = {b.boat_id: b.capacity for b in demo.FLEET}
    on_boats = [e for e in demo.demo_events(date(2030, 5, 1)) if e.boat]
    assert len(capacity) == 2 and {e.boat for e in on_boats} == set(capacity)
    assert any(e.headcount == capacity[e.boat] for e in on_boats if e.boat)


def test_a_trip_without_a_boat_has_no_limit(fleet: Api) -> None:
    assert fleet("POST", "/api/events", event_body(patrons=party(40, 10))).status == 201
    added = fleet("POST", f"{TRIP}/patrons", {"name": "Walk On", "party": 50})
    assert added.status == 201 and added.json["boat"] is None and added.json["headcount"] == 100


def test_create_over_capacity_is_refused_and_nothing_written(fleet: Api, store: Store) -> None:
    refused = on_queen(fleet, 4, 3)
    assert refused.status == 409 and refused.json["error"] == FULL
    assert record(store) is None
    assert store.get(keys.boat_day("queen", "2030-05-23")) is None


def test_edit_and_add_patron_over_capacity_are_refused(fleet: Api, store: Store) -> None:
    rev = on_queen(fleet, 4, 1).json["rev"]
    before = record(store)
    added = fleet("POST", f"{TRIP}/patrons", {"name": "Ann", "party": 2, "rev": rev})
    assert added.status == 409 and added.json["error"] == FULL
    edited = fleet("PATCH", TRIP, {"patrons": party(4, 3), "rev": rev})
    assert edited.status == 409 and edited.json["error"] == FULL
    assert record(store) == before
    # Moving the trip to the bigger boat takes it.
    moved = fleet("PATCH", TRIP, {"boat": "duchess", "patrons": party(4, 3), "rev": rev})
    assert moved.status == 200 and moved.json["headcount"] == 7
    assert moved.json["boat"]["name"] == "Duchess"


def test_add_to_manifest_from_a_waiver_over_capacity_is_refused(fleet: Api, store: Store) -> None:
    on_queen(fleet, 5, 1)
    walk_on = sign(store, full_name="Walk On", email="walk@example.com", signature="Walk On")
    assert walk_on.waiver is not None
    added = fleet("POST", f"{TRIP}/patrons", {"waiver_id": walk_on.waiver.waiver_id})
    assert added.status == 409 and added.json["error"] == FULL


def test_one_boat_one_place(fleet: Api, store: Store) -> None:
    assert on_queen(fleet, 2).status == 201
    other = "2030-05-23-other-afternoon"
    same = on_queen(fleet, 1, name="other", crew=[])
    assert same.status == 409
    assert same.json["error"] == f"The boat queen is already out on {TRIP_ID} in the afternoon."
    assert record(store, other) is None
    all_day = on_queen(fleet, 1, name="other", crew=[], period=None)
    assert all_day.status == 409 and TRIP_ID in all_day.json["error"]
    assert on_queen(fleet, 1, name="other", crew=[], period="morning").status == 201
    # Cancelling gives the afternoon back.
    assert fleet("POST", f"{TRIP}/cancel", {"reason": "Engine"}).status == 200
    assert on_queen(fleet, 1, name="third", crew=[]).status == 201


def test_a_reschedule_onto_a_taken_boat_or_over_capacity_is_refused(
    fleet: Api, store: Store
) -> None:
    on_queen(fleet, 2)
    on_queen(fleet, 2, date="2030-06-02", name="sunday", crew=[])
    refused = fleet("POST", f"{TRIP}/reschedule", {"date": "2030-06-02"})
    assert refused.status == 409 and "2030-06-02-sunday-afternoon" in refused.json["error"]
    assert record(store)["rev"] == 0  # type: ignore[index]
    moved = fleet("POST", f"{TRIP}/reschedule", {"date": "2030-06-03"})
    assert moved.status == 200
    # Its old day is free again; its new one is held.
    assert on_queen(fleet, 1, name="again", crew=[]).status == 201
    clash = on_queen(fleet, 1, date="2030-06-03", name="clash", crew=[])
    assert clash.status == 409


def test_a_capacity_below_an_upcoming_headcount_is_refused(fleet: Api, store: Store) -> None:
    on_queen(fleet, 5)
    refused = fleet("PATCH", "/api/boats/queen", {"capacity": 4})
    assert refused.status == 409 and TRIP_ID in refused.json["error"]
    assert fleet("GET", "/api/boats").json["boats"][1]["capacity"] == 6
    assert fleet("PATCH", "/api/boats/queen", {"capacity": 5}).status == 200


def test_a_lower_capacity_computed_before_a_trip_joined_does_not_land(
    fleet: Api, store: Store
) -> None:
    """The owner's change read the Queen and her (no) upcoming trips; a trip of 6 joins her
    before the change is written: the change is refused, not written over the trip."""
    read = boats.find(store, "queen")
    assert read is not None and on_queen(fleet, 6).status == 201
    with pytest.raises(Contended):
        boats.change(store, replace(read, capacity=4), [])
    assert fleet("GET", "/api/boats").json["boats"][1]["capacity"] == 6


def test_crew_may_see_the_fleet_but_not_change_it(fleet: Api, store: Store) -> None:
    from tests.support.domain import on_roster

    on_roster(store, "cory", "owner")
    on_roster(store, "jess", "crew")
    jess = fleet.as_crew("jess")
    assert jess("GET", "/api/boats").status == 200
    dialog = jess("GET", "/api/boats", htmx=True).text
    assert "Queen" in dialog and "Add a boat" not in dialog and "hx-patch" not in dialog
    assert jess("POST", "/api/boats", {"boat_id": "x", "name": "X", "capacity": 2}).status == 403
    assert jess("PATCH", "/api/boats/queen", {"capacity": 2}).status == 403


def test_concurrent_additions_with_one_seat_left_admit_exactly_one(
    fleet: Api, store: Store
) -> None:
    """Two crew add a patron at once to a trip with one seat left: both read 5 of 6, then both
    write. DynamoDB applies transactions one at a time ("serializable isolation":
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-isolation);
    moto does not lock across threads, so the test makes each write one at a time, as AWS
    does, after both have read. Exactly one lands: the other's condition refuses it."""
    on_queen(fleet, 5)
    both_read, one_at_a_time, answers = threading.Barrier(2), threading.Lock(), []
    events = store.client.meta.events

    def before(**_: Any) -> None:
        both_read.wait(timeout=10)
        one_at_a_time.acquire()

    def after(**_: Any) -> None:
        one_at_a_time.release()

    events.register("before-call.dynamodb.TransactWriteItems", before, unique_id="t26-before")
    events.register("after-call.dynamodb.TransactWriteItems", after, unique_id="t26-after")
    try:
        threads = [
            threading.Thread(
                target=lambda n=n: answers.append(
                    fleet("POST", f"{TRIP}/patrons", {"name": n}).status
                )
            )
            for n in ("Ann", "Bo")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", unique_id="t26-before")
        events.unregister("after-call.dynamodb.TransactWriteItems", unique_id="t26-after")
    assert sorted(answers) == [201, 409]
    trip = fleet("GET", TRIP).json
    assert trip["headcount"] == 6 and len(trip["patrons"]) == 2
