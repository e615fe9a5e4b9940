"""The board reads a projection of each trip (scc.store.board.CARD_ATTRIBUTES) and derives the
date, the status and the paid total from it (scc.store.board.card): the board must say what the
whole trip says, whatever the ledger went through."""

import re

from scc.store import board, trips
from tests.support.builders import TRIP_ID, event_body
from tests.support.harness import pay

TRIP = f"/api/events/{TRIP_ID}"
CANCELLED = "2030-05-24-captain-jess"


def _post(crew, url, body, expect):
    response = crew("POST", url, body)
    assert response.status == expect, response.json
    return response.json


def _refund(crew, patron_id, amount):
    body = {"patron_id": patron_id, "amount": amount, "method": "venmo", "reason": "weather"}
    _post(crew, f"{TRIP}/refunds", body, 201)


def _card(html, eid):
    found = re.search(rf'<article id="event-{eid}".*?</article>', html, re.S)
    assert found is not None
    return found.group(0)


def test_the_board_says_what_the_whole_trip_says(crew, store):
    """Voids, refunds, a patron removed after their money was given back (their payments stay
    on record), a cancelled trip with money paid: the board's JSON and cards match GET."""
    patrons = [
        {"patron_id": "dana", "name": "Dana Lee", "amount_due": "200.00"},
        {"patron_id": "sam", "name": "Sam Ortiz", "amount_due": "200.00"},
        {"patron_id": "lee", "name": "Lee Park", "amount_due": "50.00"},
    ]
    _post(crew, "/api/events", event_body(patrons=patrons, total="450.00"), 201)
    pay(crew, "100.00", "dana")
    voided = pay(crew, "20.50", "dana").json["payment"]["payment_id"]
    _post(crew, f"{TRIP}/payments/{voided}/void", {"reason": "bounced"}, 200)
    _refund(crew, "dana", "30.00")
    pay(crew, "12.34", "sam")
    pay(crew, "50.00", "lee")
    _refund(crew, "lee", "50.00")
    removed = crew("DELETE", f"{TRIP}/patrons/lee")
    assert removed.status == 200, removed.json
    _post(crew, "/api/events", event_body(date="2030-05-24", name="captain-jess", period=None), 201)
    pay(crew, "40.00", "dana", eid=CANCELLED)
    _post(crew, f"/api/events/{CANCELLED}/cancel", {"reason": "storm"}, 200)

    entries = crew("GET", "/api/events?when=all").json["events"]
    cards = crew("GET", "/api/events?when=all", htmx=True).body
    assert len(entries) == 2
    for entry in entries:
        url = f"/api/events/{entry['event_id']}"
        whole = crew("GET", url).json
        assert all(entry[k] == whole[k] for k in entry if k != "patrons"), entry["event_id"]
        for shown, full in zip(entry["patrons"], whole["patrons"], strict=True):
            assert shown == {k: v for k, v in full.items() if k not in ("email", "phone")}
        one = crew("GET", url, htmx=True).body
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
