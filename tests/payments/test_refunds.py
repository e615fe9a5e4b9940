"""Refunds through lambda_entry.handler: bounded by what the patron has paid (net of voids and
earlier refunds), recorded once per key, one conditional write; owners only, like voids."""

from __future__ import annotations

from typing import Any

import pytest

from scc.store import Store
from tests.support.builders import TRIP_ID, event_body
from tests.support.domain import on_roster
from tests.support.dynamodb import ROSTER_CHECK
from tests.support.harness import Api

TRIP = f"/api/events/{TRIP_ID}"


@pytest.fixture
def paid(api: Api) -> str:
    """A trip where Dana has paid 120.00 in two payments; the first one's id."""
    assert api("POST", "/api/events", event_body()).status == 201
    first = api(
        "POST", f"{TRIP}/payment-log", {"patron_id": "dana", "amount": "100", "method": "cash"}
    )
    api("POST", f"{TRIP}/payment-log", {"patron_id": "dana", "amount": "20", "method": "zelle"})
    payment_id: str = first.json["payment"]["payment_id"]
    return payment_id


def refund(api: Api, amount: str, **extra: Any) -> Any:
    body = {"patron_id": "dana", "amount": amount, "method": "venmo", "reason": "weather", **extra}
    return api("POST", f"{TRIP}/refunds", body)


def test_a_refund_is_one_write_and_lowers_what_was_paid(
    api: Api, paid: str, ddb_calls: Any
) -> None:
    ddb_calls.clear()
    answer = refund(api, "30.00", lower_due=False)  # owed again: no seat to find, no read
    assert ddb_calls.calls == [*ROSTER_CHECK, "UpdateItem"]
    assert answer.status == 201
    data = answer.json
    assert data["paid_total"] == "90.00" and data["balance_due"] == "310.00"
    assert data["refund"] | {"refund_id": "", "timestamp": ""} == {
        "refund_id": "",
        "patron_id": "dana",
        "amount": "30.00",
        "method": "venmo",
        "reason": "weather",
        "timestamp": "",
        "logged_by": "cory",
        "lower_due": False,
    }
    trip = api("GET", TRIP).json
    assert trip["patrons"][0]["amount_paid"] == "90.00" and len(trip["refunds"]) == 1
    history = api("GET", f"{TRIP}/payments", htmx=True).text
    assert "Refunds" in history and "−$30.00 Venmo to Dana Lee" in history


def test_a_refund_over_what_was_paid_net_is_refused(api: Api, paid: str) -> None:
    answer = refund(api, "120.01")
    assert answer.status == 422 and answer.json["field"] == "amount"
    assert "more than Dana Lee has paid: $120.00" in answer.json["error"]
    api("POST", f"{TRIP}/payments/{paid}/void", {"reason": "bounced"})  # 20.00 left
    assert refund(api, "20.01").status == 422
    assert refund(api, "15.00").status == 201
    assert refund(api, "5.01").status == 422  # earlier refunds count too
    assert refund(api, "5.00").json["paid_total"] == "0.00"
    assert refund(api, "0.01").status == 422
    assert refund(api, "1", patron_id="nobody").json["field"] == "patron_id"


def test_a_void_cannot_take_net_paid_below_zero(api: Api, paid: str) -> None:
    assert refund(api, "110.00").status == 201
    answer = api("POST", f"{TRIP}/payments/{paid}/void", {"reason": "bounced"})
    assert answer.status == 409 and "below zero" in answer.json["error"]
    assert api("GET", TRIP).json["paid_total"] == "10.00"


def test_a_retried_refund_is_recorded_once(api: Api, paid: str) -> None:
    first = refund(api, "25.00", idempotency_key="refund-key-0001")
    again = refund(api, "25.00", idempotency_key="refund-key-0001")
    assert (first.status, again.status) == (201, 201)
    assert again.json["replayed"] and again.json["refund"] == first.json["refund"]
    assert again.json["paid_total"] == "95.00"
    other = refund(api, "26.00", idempotency_key="refund-key-0001")
    assert other.status == 409 and other.json["field"] == "idempotency_key"
    hx = api(
        "POST",
        f"{TRIP}/refunds",
        form={"patron_id": "dana", "amount": "25.00", "method": "venmo", "reason": "weather",
              "idempotency_key": "refund-key-0001"},
        htmx=True,
    )  # fmt: skip
    assert hx.status == 200 and "Already recorded $25.00" in hx.headers["hx-trigger"]
    assert len(api("GET", TRIP).json["refunds"]) == 1
    actions = [e["action"] for e in api("GET", f"{TRIP}/activity").json["activity"]]
    assert actions.count("refund") == 1


def test_the_refund_dialog_offers_those_who_paid(api: Api, paid: str) -> None:
    html = api("GET", f"{TRIP}/refund", query="patron_id=dana", htmx=True).text
    assert html.startswith("<dialog") and 'value="dana" selected' in html
    assert 'value="sam" disabled' in html and 'inputmode="decimal"' in html


def test_the_patron_sees_money_returned(api: Api, paid: str) -> None:
    refund(api, "40.00")
    links = api("GET", f"{TRIP}/pay-links", htmx=True).text
    link = links.split('data-copy="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    path, query = link.split("?")
    page = api("GET", path, query=query).text
    assert "Money returned to you: $40.00" in page and "$80.00" in page


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        (
            "POST",
            f"{TRIP}/refunds",
            {"patron_id": "dana", "amount": "1", "method": "cash", "reason": "x"},
        ),
        ("POST", f"{TRIP}/cancel", {"reason": "x"}),
        ("GET", "/api/exports/payments.csv", None),
        ("GET", f"{TRIP}/refund", None),
    ],
)
def test_crew_who_are_not_owners_get_403(
    api: Api, paid: str, store: Store, method: str, path: str, body: Any
) -> None:
    on_roster(store, "cory", "owner")
    on_roster(store, "jess", "crew")
    jess = api.as_crew("jess")
    answer = jess(method, path, body, query="from=2030-01-01&to=2030-12-31")
    assert answer.status == 403 and "owner" in answer.json["error"]
    more = jess("GET", f"{TRIP}/more", htmx=True).text
    assert "Cancel trip" not in more and "Reschedule" in more
    assert "Cancel trip" in api("GET", f"{TRIP}/more", htmx=True).text
    assert (
        api("GET", TRIP).json["status"] == "scheduled"
        and len(api("GET", TRIP).json["refunds"]) == 0
    )
