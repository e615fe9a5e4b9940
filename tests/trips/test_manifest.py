"""Trips changed from a phone, through lambda_entry.handler: patrons added, changed and removed,
crew assigned (one captain, no silent double booking), edits guarded by the rev the editor saw.
Each rule as JSON and as the card (HX), refusals included."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.support.builders import TRIP_ID, event_body
from tests.support.domain import sign
from tests.support.harness import Api

TRIP = f"/api/events/{TRIP_ID}"


@pytest.fixture
def trip(api: Api) -> dict[str, Any]:
    answer = api("POST", "/api/events", event_body())
    assert answer.status == 201, answer.text
    data: dict[str, Any] = answer.json
    return data


def pay(api: Api, amount: str, patron_id: str = "dana") -> Any:
    body = {"patron_id": patron_id, "amount": amount, "method": "cash"}
    answer = api("POST", f"{TRIP}/payment-log", body)
    assert answer.status == 201, answer.text
    return answer.json


def last(api: Api) -> dict[str, Any]:
    entry: dict[str, Any] = api("GET", f"{TRIP}/activity").json["activity"][0]
    return entry


def test_a_patron_is_added_with_an_id_made_from_the_name(api: Api, trip: Any) -> None:
    answer = api("POST", f"{TRIP}/patrons", {"name": "Dana  Lee", "amount_due": "150.00"})
    assert answer.status == 201
    data = answer.json
    added = data["patrons"][-1]
    assert added["patron_id"] == "dana-lee" and added["amount_due"] == "150.00"
    assert data["total"] == "550.00"  # the total grows to the patrons' shares
    again = api("POST", f"{TRIP}/patrons", {"name": "Dana Lee"}).json["patrons"][-1]
    assert again["patron_id"] == "dana-lee-2"  # unique within the trip
    assert last(api) | {"at": ""} == {
        "at": "",
        "by": "cory",
        "action": "patron_added",
        "summary": "Dana Lee",
    }


def test_adding_a_patron_as_htmx_answers_the_card(api: Api, trip: Any) -> None:
    answer = api("POST", f"{TRIP}/patrons", form={"name": "Ivy Carter", "rev": "0"}, htmx=True)
    assert answer.status == 201
    assert answer.text.startswith(f'<article id="event-{TRIP_ID}"') and "Ivy Carter" in answer.text
    assert "scc:close-modal" in answer.headers["hx-trigger"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "A", "email": "nope"}, "email"),
        ({"name": "A", "amount_due": "-1"}, "amount_due"),
    ],
)
def test_a_bad_patron_is_422_beside_its_field(api: Api, trip: Any, body: Any, field: str) -> None:
    answer = api("POST", f"{TRIP}/patrons", body)
    assert answer.status == 422 and answer.json["field"] == field


def test_a_share_below_what_was_paid_is_refused(api: Api, trip: Any) -> None:
    pay(api, "150.00")
    answer = api("PATCH", f"{TRIP}/patrons/dana", {"amount_due": "100.00"})
    assert answer.status == 422 and "already paid 150.00" in answer.json["error"]
    hx = api("PATCH", f"{TRIP}/patrons/dana", form={"amount_due": "100.00"}, htmx=True)
    assert hx.status == 422 and hx.headers["hx-retarget"] == "#flash"
    changed = api(
        "PATCH", f"{TRIP}/patrons/dana", {"name": "Dana Lee-Park", "phone": "619-555-0101"}
    )
    assert changed.status == 200 and changed.json["patrons"][0]["name"] == "Dana Lee-Park"
    assert last(api)["summary"] == (
        "Dana Lee-Park: name: Dana Lee → Dana Lee-Park; phone: — → 619-555-0101"
    )


def test_a_paid_patron_cannot_be_removed_until_refunded(api: Api, trip: Any) -> None:
    pay(api, "50.00")
    refused = api("DELETE", f"{TRIP}/patrons/dana")
    assert refused.status == 409
    assert "void or refund" in refused.json["error"] and "keep Dana Lee" in refused.json["error"]
    assert len(api("GET", TRIP).json["patrons"]) == 2
    hx = api("DELETE", f"{TRIP}/patrons/dana", htmx=True)
    assert (
        hx.status == 409 and hx.headers["hx-retarget"] == "#flash" and "void or refund" in hx.text
    )
    back = {"patron_id": "dana", "amount": "50.00", "method": "cash", "reason": "left"}
    assert api("POST", f"{TRIP}/refunds", back).status == 201
    removed = api("DELETE", f"{TRIP}/patrons/dana", htmx=True)
    assert removed.status == 200 and "Dana Lee" not in removed.text.split('class="manifest"')[1]
    history = api("GET", f"{TRIP}/payments").json["payments"]
    assert [p["amount"] for p in history] == ["50.00"]  # the ledger keeps what happened


def test_a_removed_patrons_id_stays_with_their_payments(api: Api, trip: Any) -> None:
    paid = pay(api, "50.00", "sam")["payment"]["payment_id"]
    back = {"patron_id": "sam", "amount": "50.00", "method": "cash", "reason": "can't come"}
    assert api("POST", f"{TRIP}/refunds", back).status == 201
    assert api("DELETE", f"{TRIP}/patrons/sam").status == 200
    again = api("POST", f"{TRIP}/patrons", {"name": "Sam Ortiz", "patron_id": "sam"})
    assert again.status == 422 and again.json["field"] == "patron_id"
    assert again.json["error"].startswith("Patron id sam has payments on record")
    newcomer = api("POST", f"{TRIP}/patrons", {"name": "Sam"})  # an id made from the name
    assert newcomer.status == 201 and newcomer.json["patrons"][-1]["patron_id"] == "sam-2"
    rows = [*newcomer.json["patrons"], {"name": "Sam"}]
    patched = api("PATCH", TRIP, {"patrons": rows, "rev": newcomer.json["rev"]})
    assert patched.status == 200, patched.text
    assert [p["patron_id"] for p in patched.json["patrons"]] == ["dana", "sam-2", "sam-3"]
    rows = [*patched.json["patrons"], {"name": "Sam Ortiz", "patron_id": "sam"}]
    refused = api("PATCH", TRIP, {"patrons": rows, "rev": patched.json["rev"]})
    assert refused.status == 422 and "has payments on record" in refused.json["error"]
    ledger = api("GET", TRIP).json
    assert [(p["payment_id"], p["patron_id"]) for p in ledger["payments"]] == [(paid, "sam")]
    assert [(r["patron_id"], r["amount"]) for r in ledger["refunds"]] == [("sam", "50.00")]


def test_a_patron_who_signed_cannot_be_removed(api: Api, trip: Any, store: Any) -> None:
    sign(store, email="dana@example.com")
    answer = api("DELETE", f"{TRIP}/patrons/dana")
    assert answer.status == 409 and "signed the waiver" in answer.json["error"]
    assert api("DELETE", f"{TRIP}/patrons/nobody").status == 404
    assert api("DELETE", f"{TRIP}/patrons/sam").status == 200


def test_one_captain_per_trip(api: Api, trip: Any) -> None:
    answer = api("PUT", f"{TRIP}/crew/maya", {"role": "captain"})
    assert answer.status == 409 and answer.json["error"].startswith(
        "cory is already this trip's captain"
    )
    hx = api("PUT", f"{TRIP}/crew/maya", form={"role": "captain"}, htmx=True)
    assert hx.status == 409 and "already this trip&#39;s captain" in hx.text
    mate = api("PUT", f"{TRIP}/crew/maya", {"role": "mate"}, htmx=True)
    assert mate.status == 200 and "maya" in mate.text
    assert api("PUT", f"{TRIP}/crew/maya", {"role": "boss"}).json["field"] == "role"
    assert last(api)["summary"] == "maya as mate" and last(api)["action"] == "crew_assigned"
    # the dialog's list can't hold two captains either
    two = [{"crew_id": "cory", "role": "captain"}, {"crew_id": "maya", "role": "captain"}]
    assert api("PATCH", TRIP, {"crew": two}).json["field"] == "crew"


def test_a_double_booking_asks_first_naming_the_other_trip(api: Api, trip: Any) -> None:
    other = event_body(name="captain-maya", crew=[{"crew_id": "maya", "role": "captain"}])
    assert api("POST", "/api/events", other).status == 201
    answer = api("PUT", f"{TRIP}/crew/maya", {"role": "mate"})
    assert answer.status == 409
    assert "2030-05-23-captain-maya-afternoon" in answer.json["error"]
    hx = api("PUT", f"{TRIP}/crew/maya", form={"role": "mate"}, htmx=True)
    assert hx.status == 409 and "assign anyway" in hx.text
    confirmed = api("PUT", f"{TRIP}/crew/maya", {"role": "mate", "confirm": True})
    assert confirmed.status == 200 and {"crew_id": "maya", "role": "mate"} in confirmed.json["crew"]
    # another period of that day is no clash
    morning = event_body(
        name="captain-leo", period="morning", crew=[{"crew_id": "leo", "role": "captain"}]
    )
    assert api("POST", "/api/events", morning).status == 201
    assert api("PUT", f"{TRIP}/crew/leo", {"role": "deckhand"}).status == 200
    assert api("DELETE", f"{TRIP}/crew/leo").json["crew"][-1]["crew_id"] == "maya"
    assert last(api)["action"] == "crew_removed"


def test_creating_with_a_double_booked_crew_asks_first(api: Api, trip: Any) -> None:
    body = event_body(name="captain-jess", crew=[{"crew_id": "cory", "role": "captain"}])
    answer = api("POST", "/api/events", body)
    assert answer.status == 409 and TRIP_ID in answer.json["error"]
    assert api("POST", "/api/events", {**body, "confirm": True}).status == 201


def test_an_edit_of_an_older_version_is_409_naming_who_changed_it(api: Api, trip: Any) -> None:
    seen = trip["rev"]
    jess = api.as_crew("jess")
    assert jess("PATCH", TRIP, {"title": "Whale watch", "rev": seen}).status == 200
    stale = api("PATCH", TRIP, {"title": "Sunset whales", "rev": seen})
    assert stale.status == 409
    assert stale.json["error"].startswith("Changed by jess a moment ago")
    assert stale.json["event"]["title"] == "Whale watch" and stale.json["event"]["rev"] == seen + 1
    hx = api("POST", f"{TRIP}/patrons", form={"name": "Late", "rev": str(seen)}, htmx=True)
    assert hx.status == 409 and hx.headers["hx-retarget"] == f"#event-{TRIP_ID}"
    assert hx.headers["hx-reswap"] == "outerHTML" and "Whale watch" in hx.text
    assert "Changed by jess" in hx.headers["hx-trigger"]
    assert "scc:close-modal" in hx.headers["hx-trigger-after-settle"]
    assert api("GET", TRIP).json["title"] == "Whale watch"  # nothing else was written


def hidden(html: str, name: str) -> str:
    found = re.search(f'name="{name}" value="([^"]*)"', html)
    assert found is not None, name
    return found[1]


def copy_of(html: str) -> str:
    found = re.search("name=\"copy\" value='([^']*)'", html)
    assert found is not None
    return found[1]


def test_a_stale_save_from_the_edit_dialog_keeps_what_was_typed(api: Api, trip: Any) -> None:
    dialog = api("GET", f"{TRIP}/edit", htmx=True).text
    rev, seen = hidden(dialog, "rev"), hidden(dialog, "seen")
    assert (rev, seen) == ("0", "1")  # version 0, one activity entry (created)
    copy = copy_of(dialog)
    assert json.loads(copy)["patrons"][1]["name"] == "Sam Ortiz"
    jess = api.as_crew("jess")  # renames the trip and adds Zoe (one version), then pays for Dana
    patrons = [*trip["patrons"], {"patron_id": "zoe", "name": "Zoe Ray"}]
    assert jess("PATCH", TRIP, {"title": "Whale watch", "patrons": patrons, "rev": 0}).status == 200
    paid = jess(
        "POST", f"{TRIP}/payment-log", {"patron_id": "dana", "amount": "5", "method": "cash"}
    )
    assert paid.status == 201
    # Cory, on his copy: Dana's phone typed, Sam removed, the title and total left as drawn.
    typed = [
        ("rev", rev), ("seen", seen), ("copy", copy), ("title", "Captain Cory · Afternoon"),
        ("total", "400.00"), ("patron_rows", "1"), ("patron_id", "dana"),
        ("patron_name", "Dana Lee"), ("patron_email", ""), ("patron_phone", "619-555-0134"),
        ("patron_amount_due", "200.00"), ("patron_party", "1"), ("crew_rows", "1"),
        ("crew_id", "cory"), ("crew_role", "captain"),
    ]  # fmt: skip
    mistyped = api("PATCH", TRIP, form=[*typed[:4], ("total", "abc"), *typed[5:]], htmx=True)
    assert mistyped.status == 422 and hidden(mistyped.text, "rev") == rev  # still their copy's
    refused = api("PATCH", TRIP, form=typed, htmx=True)
    assert refused.status == 409 and refused.headers["hx-retarget"] == "#trip-form"
    assert "hx-trigger" not in refused.headers  # no toast, no closing: the dialog stays
    form, card = refused.text.split("<article", 1)
    assert form.startswith('<form id="trip-form"')
    assert hidden(form, "rev") == "2" and hidden(form, "seen") == "4"  # the trip as it is now
    notice, fields = form.split('class="stale-notice"')[1].split("</div>", 1)
    assert re.findall(r"<li>(.*?)</li>", " ".join(notice.split())) == [
        "jess, a moment ago: Edited · title: Captain Cory · Afternoon → Whale watch",
        "jess, a moment ago: Patron added · Zoe Ray",
        "jess, a moment ago: Payment · $5.00 Cash from Dana Lee",
    ]
    # Jess's title and Zoe, Cory's phone for Dana and Sam left out: both changes, merged.
    assert 'value="Whale watch"' in fields and 'value="619-555-0134"' in fields
    rows = fields.split("<template")[0]  # the rows shown, not the blank one to copy
    assert re.findall(r'name="patron_name"[^>]*value="([^"]*)"', rows) == ["Dana Lee", "Zoe Ray"]
    assert card.startswith(f' id="event-{TRIP_ID}"') and 'hx-swap-oob="true"' in card
    assert "Whale watch" in card  # the card behind the dialog, brought up to date
    # A form drawn before it carried its copy: kept as typed, one line a version since its rev.
    older = [p for p in typed if p[0] not in ("seen", "copy")]
    answer = api("PATCH", TRIP, form=older, htmx=True).text
    assert answer.count("<li>jess") == 2 and 'value="Captain Cory · Afternoon"' in answer
    shown = [
        ("rev", "2"), ("seen", "4"), ("copy", copy_of(form)), ("title", "Whale watch"),
        ("total", "400.00"), ("patron_rows", "1"),
        *typed[6:12], ("patron_id", "zoe"), ("patron_name", "Zoe Ray"), ("patron_email", ""),
        ("patron_phone", ""), ("patron_amount_due", ""), ("patron_party", "1"), *typed[12:],
    ]  # fmt: skip
    saved = api("PATCH", TRIP, form=shown, htmx=True)  # saved again, as the dialog shows it
    assert saved.status == 200, saved.text
    event = api("GET", TRIP).json
    assert event["title"] == "Whale watch" and event["rev"] == 3
    assert [(p["name"], p["phone"]) for p in event["patrons"]] == [
        ("Dana Lee", "619-555-0134"),
        ("Zoe Ray", None),
    ]


def test_money_and_check_ins_are_not_refused_by_an_edit(api: Api, trip: Any) -> None:
    seen = trip["rev"]
    api("PATCH", TRIP, {"title": "Renamed", "rev": seen})
    assert pay(api, "10.00")["paid_total"] == "10.00"  # no rev in a payment: its own guards
    checked = api("POST", f"{TRIP}/patrons/sam/check-in", {"status": "aboard", "confirm": True})
    assert checked.status == 200 and checked.json["rev"] == seen + 3


def test_the_edit_dialog_is_filled_in_and_saves_in_place(api: Api, trip: Any) -> None:
    pay(api, "20.00")
    dialog = api("GET", f"{TRIP}/edit", htmx=True).text
    assert dialog.startswith("<dialog") and 'name="rev" value="1"' in dialog
    assert 'inputmode="decimal"' in dialog and 'type="email"' in dialog and "<script" not in dialog
    assert "has paid: void or refund first" in dialog  # Dana's row can't be removed
    form = [
        ("rev", "1"), ("title", "Whales!"), ("total", "400.00"), ("patron_rows", "1"),
        ("patron_id", "dana"), ("patron_name", "Dana Lee"), ("patron_email", ""),
        ("patron_phone", ""), ("patron_amount_due", "200.00"),
        ("patron_id", ""), ("patron_name", "Gus Miller"), ("patron_email", "gus@example.com"),
        ("patron_phone", ""), ("patron_amount_due", "200.00"),
        ("crew_rows", "1"), ("crew_id", "cory"), ("crew_role", "captain"),
    ]  # fmt: skip
    saved = api("PATCH", TRIP, form=form, htmx=True)
    assert saved.status == 200 and saved.text.startswith(f'<article id="event-{TRIP_ID}"')
    assert "Gus Miller" in saved.text and "Sam Ortiz" not in saved.text
    actions = [e["action"] for e in api("GET", f"{TRIP}/activity").json["activity"][:3]]
    assert actions == ["patron_removed", "patron_added", "edited"]


def test_a_refused_edit_dialog_shows_the_message_beside_the_field(api: Api, trip: Any) -> None:
    form = {"rev": "0", "total": "abc", "patron_rows": "1", "patron_name": "Dana Lee"}
    answer = api("PATCH", TRIP, form=form, htmx=True)
    assert answer.status == 422 and answer.headers["hx-retarget"] == "#trip-form"
    html = answer.text
    assert html.startswith('<form id="trip-form"')
    total = 'id="trip-total" name="total" type="text" value="abc" inputmode="decimal"'
    assert total + ' aria-invalid="true"' in html
    assert 'id="trip-total-error"' in html


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/api/events/new", 'id="trip-form"'),
        (f"{TRIP}/edit", 'id="trip-form"'),
        (f"{TRIP}/more", "Reschedule"),
        (f"{TRIP}/reschedule", 'type="date"'),
        (f"{TRIP}/cancel", 'name="reason"'),
        (f"{TRIP}/refund", 'inputmode="decimal"'),
        ("/api/exports", 'type="date"'),
    ],
)
def test_every_dialog_is_a_fragment_whoever_asks(
    api: Api, trip: Any, path: str, marker: str
) -> None:
    for htmx in (True, False):
        answer = api("GET", path, htmx=htmx)
        assert answer.status == 200 and answer.text.startswith("<dialog") and marker in answer.text
        assert "<script" not in answer.text and " style=" not in answer.text
