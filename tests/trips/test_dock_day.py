"""The dock day, through lambda_entry.handler: check-in with undo, every change's activity entry
(exactly one, with the right `by`), and the trip's record kept small."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from scc import activity
from scc.store import Store, keys
from scc.store.items import serialize
from scc.store.trips import ACTIVITY_KEEP, ACTIVITY_MAX
from tests.support.builders import TRIP_ID, event_body
from tests.support.domain import sign
from tests.support.dynamodb import ROSTER_CHECK
from tests.support.harness import Api

TRIP = f"/api/events/{TRIP_ID}"


@pytest.fixture
def trip(api: Api) -> dict[str, Any]:
    answer = api("POST", "/api/events", event_body())
    assert answer.status == 201
    data: dict[str, Any] = answer.json
    return data


def test_check_in_and_undo(api: Api, trip: Any, ddb_calls: Any) -> None:
    jess = api.as_crew("jess")
    ddb_calls.clear()
    asked = jess("POST", f"{TRIP}/patrons/dana/check-in", {"status": "aboard"})
    assert ddb_calls.calls == [*ROSTER_CHECK, "UpdateItem"]  # one write, no read of the trip
    assert asked.status == 409 and asked.json["error"] == "Dana Lee has not signed the waiver."
    assert api("GET", TRIP).json["rev"] == trip["rev"]  # nothing written
    aboard = jess("POST", f"{TRIP}/patrons/dana/check-in", {"status": "aboard", "confirm": True})
    assert aboard.status == 200 and aboard.json["aboard"] == 1
    assert aboard.json["patrons"][0]["check_in"] == "aboard"
    card = api("POST", f"{TRIP}/patrons/sam/check-in", form={"status": "no_show"}, htmx=True)
    assert "Aboard 1/2" in card.text and 'aria-pressed="true"' in card.text
    assert '"status": "clear"' in card.text  # tapping again undoes
    undo = api("POST", f"{TRIP}/patrons/dana/check-in", {"status": "clear"}).json
    assert undo["aboard"] == 0 and undo["patrons"][0]["check_in"] is None
    entries = api("GET", f"{TRIP}/activity").json["activity"]
    assert [(e["by"], e["summary"]) for e in entries[:3]] == [
        ("cory", "Dana Lee: check-in cleared"),
        ("cory", "Sam Ortiz: no-show"),
        ("jess", "Dana Lee: aboard without a signed waiver (confirmed)"),
    ]
    rows = list(csv.reader(io.StringIO(api("GET", f"{TRIP}/manifest.csv").text)))
    assert rows[2][8:10] == ["no_show", "cory"]  # who, and when, are kept


def test_an_unknown_status_is_422_and_an_unknown_patron_404(api: Api, trip: Any) -> None:
    bad = api("POST", f"{TRIP}/patrons/dana/check-in", {"status": "late"})
    assert bad.status == 422 and bad.json["field"] == "status"
    assert (
        api("POST", f"{TRIP}/patrons/nobody/check-in", {"status": "aboard", "confirm": True}).status
        == 404
    )
    assert (
        api(
            "POST", f"{TRIP}/patrons/%E2%80%A8/check-in", {"status": "aboard", "confirm": True}
        ).status
        == 404
    )
    assert len(api("GET", f"{TRIP}/activity").json["activity"]) == 1  # only "created"


def test_every_kind_of_change_leaves_exactly_one_entry_with_its_author(
    api: Api, store: Store, trip: Any
) -> None:
    """Each route that changes a trip, each by someone else; then the activity, newest first."""
    by = {name: api.as_crew(name) for name in ("jess", "maya", "leo", "ana")}

    def one(crew: str, method: str, path: str, body: dict[str, Any]) -> None:
        answer = by[crew](method, path, body)
        assert answer.status in (200, 201), answer.text

    one("jess", "PATCH", TRIP, {"title": "Whales"})
    one("maya", "POST", f"{TRIP}/patrons", {"name": "Gus Miller"})
    one("leo", "PATCH", f"{TRIP}/patrons/gus-miller", {"email": "gus@example.com"})
    one("ana", "DELETE", f"{TRIP}/patrons/gus-miller", {})
    one("jess", "PUT", f"{TRIP}/crew/maya", {"role": "mate"})
    one("maya", "DELETE", f"{TRIP}/crew/maya", {})
    one(
        "leo",
        "POST",
        f"{TRIP}/payment-log",
        {"patron_id": "dana", "amount": "80", "method": "venmo"},
    )
    paid = api("GET", TRIP).json["payments"][0]["payment_id"]
    one("ana", "POST", f"{TRIP}/payments/{paid}/void", {"reason": "typo"})
    one(
        "jess",
        "POST",
        f"{TRIP}/payment-log",
        {"patron_id": "dana", "amount": "60", "method": "cash"},
    )
    back = {"patron_id": "dana", "amount": "10", "method": "cash", "reason": "fuel surcharge"}
    one("maya", "POST", f"{TRIP}/refunds", back)
    sign(store, full_name="DANA  lee", email="other@example.com")  # matched by name
    one("leo", "POST", f"{TRIP}/patrons/sam/check-in", {"status": "aboard", "confirm": True})
    one("ana", "POST", f"{TRIP}/reschedule", {"date": "2030-06-01"})
    moved = "/api/events/2030-06-01-captain-cory-afternoon"
    one("jess", "POST", f"{moved}/cancel", {"reason": "storm"})

    entries = api("GET", f"{moved}/activity").json["activity"]
    assert [(e["action"], e["by"]) for e in entries] == [
        ("cancelled", "jess"),
        ("rescheduled", "ana"),
        ("check_in", "leo"),
        ("waiver_signed", "DANA  lee"),
        ("refund", "maya"),
        ("payment", "jess"),
        ("void", "ana"),
        ("payment", "leo"),
        ("crew_removed", "maya"),
        ("crew_assigned", "jess"),
        ("patron_removed", "ana"),
        ("patron_changed", "leo"),
        ("patron_added", "maya"),
        ("edited", "jess"),
        ("created", "cory"),
    ]
    summaries = {e["action"]: e["summary"] for e in entries}
    assert summaries["edited"] == "title: Captain Cory · Afternoon → Whales"
    assert summaries["void"] == "$80.00 Venmo from Dana Lee: typo"
    assert summaries["refund"] == "$10.00 Cash to Dana Lee: fuel surcharge"
    assert summaries["waiver_signed"] == "DANA  lee signed (Dana Lee)"
    assert summaries["rescheduled"].startswith("2030-05-23 → 2030-06-01")
    dialog = api("GET", f"{moved}/activity", htmx=True).text
    assert dialog.startswith("<dialog") and dialog.index("Cancelled") < dialog.index("Created")


def test_a_refused_change_leaves_no_entry(api: Api, trip: Any) -> None:
    api("POST", f"{TRIP}/payment-log", {"patron_id": "dana", "amount": "999", "method": "cash"})
    api("DELETE", f"{TRIP}/patrons/nobody")
    api("PATCH", TRIP, {"title": "Same", "rev": trip["rev"] + 5})
    api("PATCH", TRIP, {"title": trip["title"]})  # nothing changed: nothing written
    assert len(api("GET", f"{TRIP}/activity").json["activity"]) == 1


def test_the_activity_stays_small_and_says_what_it_folded(
    api: Api, store: Store, trip: Any, ddb_calls: Any
) -> None:
    item = store.get(keys.event(TRIP_ID))
    assert item is not None
    first = item["activity"][0]
    filler = {"at": "2030-01-01T00:00:00Z", "by": "leo", "action": "check_in", "summary": "x"}
    item["activity"] = [first] + [filler] * (ACTIVITY_MAX - 1)
    store.call("put_item", TableName=store.table, Item=serialize(item))
    ddb_calls.clear()
    api("POST", f"{TRIP}/patrons/dana/check-in", {"status": "no_show"})
    assert ddb_calls.calls == [*ROSTER_CHECK, "UpdateItem", "UpdateItem"]  # the write, the fold
    data = api("GET", f"{TRIP}/activity").json
    assert (
        len(data["activity"]) == ACTIVITY_KEEP
        and data["folded"] == ACTIVITY_MAX + 1 - ACTIVITY_KEEP
    )
    assert data["activity"][0]["summary"] == "Dana Lee: no-show"
    assert data["activity"][-1]["action"] == "created"  # the first entry is kept
    ddb_calls.clear()
    api("POST", f"{TRIP}/patrons/dana/check-in", {"status": "clear"})
    assert ddb_calls.calls == [*ROSTER_CHECK, "UpdateItem"]
    dialog = api("GET", f"{TRIP}/activity", htmx=True).text
    assert re.search(r"51 older changes are no longer listed", dialog)


def test_the_board_never_reads_the_activity(api: Api, trip: Any) -> None:
    card = api("GET", "/api/events", query="when=all").json["events"][0]
    assert card["event_id"] == TRIP_ID and "activity" not in card


def test_an_entry_about_a_patron_keeps_their_id_and_shows_their_name_as_it_is_now(
    api: Api, trip: Any, store: Store
) -> None:
    api("POST", f"{TRIP}/payment-log", {"patron_id": "sam", "amount": "40", "method": "cash"})
    back = {"patron_id": "sam", "amount": "10", "method": "cash", "reason": "sam from dana: x"}
    api("POST", f"{TRIP}/refunds", back)
    api("POST", f"{TRIP}/patrons/sam/check-in", {"status": "no_show"})
    item = store.get(keys.event(TRIP_ID))
    assert item is not None
    stored = [e for e in item["activity"] if e.get("patron_id")]
    assert [(e["action"], e["patron_id"], e["summary"]) for e in stored] == [
        ("payment", "sam", "$40.00 Cash from sam"),
        ("refund", "sam", "$10.00 Cash to sam: sam from dana: x"),
        ("check_in", "sam", "sam: no-show"),
    ]
    # an entry written before patron_id was kept is still shown by name
    old = {
        "at": "2030-01-01T00:00:00Z",
        "by": "leo",
        "action": "check_in",
        "summary": "dana: aboard",
    }
    item["activity"].append(old)
    store.put(item)
    api("PATCH", f"{TRIP}/patrons/sam", {"name": "Sam Ortiz-Reyes"})
    shown = [e["summary"] for e in api("GET", f"{TRIP}/activity").json["activity"]]
    assert shown[1:5] == [
        "Dana Lee: aboard",
        "Sam Ortiz-Reyes: no-show",
        "$10.00 Cash to Sam Ortiz-Reyes: sam from dana: x",
        "$40.00 Cash from Sam Ortiz-Reyes",
    ]


def test_a_summary_cut_short_keeps_the_patrons_place_only_when_their_id_is_whole() -> None:
    names = {"sam": "Sam Ortiz"}
    reason = "r" * activity.SUMMARY_MAX
    kept = activity.entry(
        "cory", "refund", f"$1.00 Cash to {activity.PATRON}: {reason}", patron_id="sam"
    )
    assert len(kept.summary) == activity.SUMMARY_MAX and kept.patron_id == "sam"
    assert activity.readable(kept, names).startswith("$1.00 Cash to Sam Ortiz: rrr")
    cut = activity.entry("cory", "refund", "x" * 198 + activity.PATRON, patron_id="sam")
    assert cut.patron_id is None and activity.readable(cut, names) == cut.summary
