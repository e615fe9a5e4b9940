"""The board reads a projection of each trip (scc.store.board.CARD_ATTRIBUTES) and derives the
date, the status and the paid total from it (scc.store.board.card): the board must say what the
whole trip says, whatever the ledger went through."""

import re

from scc.store import board, trips
from tests.builders import BASE_URL, event_body

HX = {"HX-Request": "true"}
TRIP = "/api/events/2030-05-23-captain-cory-afternoon"
CANCELLED_TRIP = "/api/events/2030-05-24-captain-jess"


def _post(crew, auth, url, body, expect):
    response = crew.post(url, json=body, headers=auth.headers(), base_url=BASE_URL)
    assert response.status_code == expect, response.json
    return response.json


def _pay(crew, auth, trip, patron_id, amount):
    body = {"patron_id": patron_id, "amount": amount, "method": "cash"}
    return _post(crew, auth, f"{trip}/payment-log", body, 201)["payment"]["payment_id"]


def _refund(crew, auth, trip, patron_id, amount):
    body = {"patron_id": patron_id, "amount": amount, "method": "venmo", "reason": "weather"}
    _post(crew, auth, f"{trip}/refunds", body, 201)


def _card(html, eid):
    found = re.search(rf'<article id="event-{eid}".*?</article>', html, re.S)
    assert found is not None
    return found.group(0)


def test_the_board_says_what_the_whole_trip_says(crew, auth, store):
    """Voids, refunds, a patron removed after their money was given back (their payments stay
    on record), a cancelled trip with money paid: the board's JSON and cards match GET."""
    patrons = [
        {"patron_id": "dana", "name": "Dana Lee", "amount_due": "200.00"},
        {"patron_id": "sam", "name": "Sam Ortiz", "amount_due": "200.00"},
        {"patron_id": "lee", "name": "Lee Park", "amount_due": "50.00"},
    ]
    _post(crew, auth, "/api/events", event_body(patrons=patrons, total="450.00"), 201)
    _pay(crew, auth, TRIP, "dana", "100.00")
    voided = _pay(crew, auth, TRIP, "dana", "20.50")
    _post(crew, auth, f"{TRIP}/payments/{voided}/void", {"reason": "bounced"}, 200)
    _refund(crew, auth, TRIP, "dana", "30.00")
    _pay(crew, auth, TRIP, "sam", "12.34")
    _pay(crew, auth, TRIP, "lee", "50.00")
    _refund(crew, auth, TRIP, "lee", "50.00")
    removed = crew.delete(f"{TRIP}/patrons/lee", headers=auth.headers(), base_url=BASE_URL)
    assert removed.status_code == 200, removed.json
    _post(
        crew,
        auth,
        "/api/events",
        event_body(date="2030-05-24", name="captain-jess", period=None),
        201,
    )
    _pay(crew, auth, CANCELLED_TRIP, "dana", "40.00")
    _post(crew, auth, f"{CANCELLED_TRIP}/cancel", {"reason": "storm"}, 200)

    entries = crew.get("/api/events?when=all", base_url=BASE_URL).json["events"]
    cards = crew.get("/api/events?when=all", headers=HX, base_url=BASE_URL).get_data(as_text=True)
    assert len(entries) == 2
    for entry in entries:
        url = f"/api/events/{entry['event_id']}"
        whole = crew.get(url, base_url=BASE_URL).json
        assert all(entry[k] == whole[k] for k in entry if k != "patrons"), entry["event_id"]
        for shown, full in zip(entry["patrons"], whole["patrons"], strict=True):
            assert shown == {k: v for k, v in full.items() if k not in ("email", "phone")}
        one = crew.get(url, headers=HX, base_url=BASE_URL).get_data(as_text=True)
        assert _card(cards, entry["event_id"]) == _card(one, entry["event_id"])
    kept, cancelled = sorted(entries, key=lambda e: e["date"])
    assert (kept["date"], kept["status"]) == ("2030-05-23", "scheduled")
    assert kept["paid_total"] == kept["payment_amount"] == "82.34"
    assert [p["patron_id"] for p in kept["patrons"]] == ["dana", "sam"]
    assert (cancelled["date"], cancelled["status"], cancelled["paid_total"]) == (
        "2030-05-24",
        "cancelled",
        "40.00",
    )
    assert "Cancelled" in _card(cards, cancelled["event_id"])
    # What the board derived is what the record stores.
    for shown in board.board(store, "all", "2030-05-01").events:
        stored = trips.get(store, shown.event_id)
        assert (shown.date, shown.status, shown.paid_total) == (
            stored.date,
            stored.status,
            stored.paid_total,
        )
