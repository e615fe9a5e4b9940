"""A refund's `lower_due` through lambda_entry.handler: by default a refund is a discount (the
patron's share and the trip's total go down with what they paid, so nothing re-opens), with
`false` the refunded money is owed again, and on a cancelled trip a refund only settles."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from scc import activity
from scc.models import Patron
from scc.store import Store, trips
from tests.store import wire
from tests.support.builders import TRIP_ID, event_body
from tests.support.dynamodb import ROSTER_CHECK
from tests.support.harness import Api

TRIP = f"/api/events/{TRIP_ID}"
DANA = {"patron_id": "dana", "name": "Dana Lee", "amount_due": "200.00", "phone": "+16195550101"}


@pytest.fixture
def paid_in_full(api: Api) -> None:
    """A trip of one patron, Dana, whose $200.00 share is paid."""
    assert api("POST", "/api/events", event_body(total=None, patrons=[DANA])).status == 201
    body = {"patron_id": "dana", "amount": "200", "method": "cash"}
    assert api("POST", f"{TRIP}/payment-log", body).status == 201


def goodwill(api: Api, **extra: Any) -> Any:
    body = {"patron_id": "dana", "amount": "20", "method": "venmo", "reason": "goodwill", **extra}
    return api("POST", f"{TRIP}/refunds", body)


def pay_page(api: Api) -> str:
    links = api("GET", f"{TRIP}/pay-links", htmx=True).text
    link = links.split('data-copy="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    path, query = link.split("?")
    return api("GET", path, query=query).text


def test_a_goodwill_refund_to_a_patron_paid_in_full_reopens_nothing(
    api: Api, paid_in_full: None, ddb_calls: Any
) -> None:
    ddb_calls.clear()
    answer = goodwill(api)
    assert answer.status == 201, answer.body
    assert ddb_calls.calls == [*ROSTER_CHECK, "GetItem", "UpdateItem"]  # the seat, then the write
    assert answer.json["balance_due"] == "0.00" and answer.json["refund"]["lower_due"] is True
    trip = api("GET", TRIP).json
    assert (trip["total"], trip["paid_total"], trip["balance_due"]) == ("180.00", "180.00", "0.00")
    assert trip["patrons"][0]["amount_due"] == "180.00" and trip["payment_cleared"]
    card = api("GET", TRIP, htmx=True).text
    assert "Paid in full" in card and "Payment due" not in card
    page = pay_page(api)
    assert "Paid in full. Thank you!" in page and "Money returned to you: $20.00" in page
    assert "Pay $" not in page  # no card payment offered


def test_a_refund_that_leaves_the_due_is_owed_again(api: Api, paid_in_full: None) -> None:
    answer = api(
        "POST",
        f"{TRIP}/refunds",
        form={"patron_id": "dana", "amount": "20", "method": "venmo", "reason": "goodwill",
              "lower_due": "false"},  # the dialog's checkbox left unticked: its hidden field
        htmx=True,
    )  # fmt: skip
    assert answer.status == 200 and "Payment due" in answer.text
    trip = api("GET", TRIP).json
    assert (trip["total"], trip["balance_due"], trip["patrons"][0]["balance_due"]) == (
        "200.00",
        "20.00",
        "20.00",
    )
    assert "Still due" in pay_page(api) and "$20.00" in pay_page(api)


@pytest.mark.parametrize("bad", ["maybe", 1, 0, None, ["true"]])
def test_a_malformed_lower_due_is_a_sentence_and_writes_nothing(
    api: Api, paid_in_full: None, bad: Any
) -> None:
    before = api("GET", TRIP).json
    answer = goodwill(api, lower_due=bad)
    assert answer.status == 422 and answer.json["field"] == "lower_due"
    assert answer.json["error"].startswith("lower_due is true (the refund lowers what they owe")
    assert api("GET", TRIP).json == before


def test_a_patron_without_a_share_lowers_the_trips_total(api: Api) -> None:
    dana = {"patron_id": "dana", "name": "Dana Lee"}
    assert api("POST", "/api/events", event_body(total="300.00", patrons=[dana])).status == 201
    api("POST", f"{TRIP}/payment-log", {"patron_id": "dana", "amount": "100", "method": "cash"})
    assert goodwill(api).status == 201
    trip = api("GET", TRIP).json
    assert (trip["total"], trip["paid_total"], trip["balance_due"]) == ("280.00", "80.00", "200.00")
    more = {"patron_id": "dana", "amount": "200", "method": "cash"}  # the headroom still holds
    assert api("POST", f"{TRIP}/payment-log", more).json["payment_cleared"] is True


def test_on_a_cancelled_trip_a_refund_settles_what_is_owed_back(
    api: Api, paid_in_full: None
) -> None:
    assert api("POST", f"{TRIP}/cancel", {"reason": "weather"}).status == 200
    answer = goodwill(api, lower_due=False)  # nothing is collected again on a cancelled trip
    assert answer.status == 201 and answer.json["refund"]["lower_due"] is True
    trip = api("GET", TRIP).json
    assert (trip["paid_total"], trip["balance_due"]) == ("180.00", "0.00")
    assert "To refund" in api("GET", TRIP, htmx=True).text


def test_a_seat_moved_between_the_refunds_read_and_write_is_found_again(
    api: Api, paid_in_full: None, store: Store
) -> None:
    """The crew add Ann ahead of Dana after the refund read the trip: its write, guarded by
    Dana's seat, is refused and sent again from the trip DynamoDB returned (no second read)."""

    def add_ann_first(name: str, body: dict[str, Any], _: Any) -> None:
        if name == "UpdateItem" and "#ref" in body.get("ExpressionAttributeNames", {}) and not done:
            done.append(True)
            old = trips.get(store, TRIP_ID)
            ann = Patron(patron_id="ann", name="Ann Bo", amount_due=None)
            entry = activity.entry("jess", "edited", "Ann Bo added")
            trips.edit(store, old, replace(old, patrons=[ann, *old.patrons]), [entry])

    done: list[bool] = []
    with wire.on_the_wire(store, add_ann_first) as sent:
        assert goodwill(api).status == 201
    # the refund's read and write, the crew's edit (read, write) in between, the refund again
    assert sent == [*ROSTER_CHECK, "GetItem", "UpdateItem", "GetItem", "UpdateItem", "UpdateItem"]
    trip = api("GET", TRIP).json
    assert [(p["patron_id"], p["amount_due"]) for p in trip["patrons"]] == [
        ("ann", None),
        ("dana", "180.00"),
    ]
    assert trip["balance_due"] == "0.00" and len(trip["refunds"]) == 1
