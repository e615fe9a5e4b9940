"""The books, through lambda_entry.handler: the manifest as CSV and as a printable page, and the
owner's export of payments, voids and refunds by date (the by-date index, never a Scan)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from scc.trips.exports import LEDGER_HEADER, MANIFEST_HEADER
from scc.web.sheets import neutralise
from tests.support.builders import TRIP_ID, event_body
from tests.support.dynamodb import ROSTER_CHECK
from tests.support.harness import Api

TRIP = f"/api/events/{TRIP_ID}"
FORMULA = '=HYPERLINK("http://x")'


@pytest.fixture
def trip(api: Api) -> None:
    patrons = [
        {"patron_id": "dana", "name": "Dana Lee", "email": "dana@example.com", "amount_due": "200"},
        {"patron_id": "evil", "name": FORMULA, "phone": "+1 619 555 0134"},
    ]
    assert api("POST", "/api/events", event_body(patrons=patrons)).status == 201
    pay = {"patron_id": "dana", "amount": "125", "method": "venmo", "notes": "-5 tip, @dock"}
    api("POST", f"{TRIP}/payment-log", pay)
    api("POST", f"{TRIP}/patrons/dana/check-in", {"status": "aboard", "confirm": True})


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_manifest_csv_parses_back_and_runs_no_formula(api: Api, trip: None) -> None:
    answer = api("GET", f"{TRIP}/manifest.csv")
    assert answer.status == 200 and answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="scc-manifest-{TRIP_ID}.csv"'
    )
    header, dana, evil = rows(answer.text)
    assert header == list(MANIFEST_HEADER)
    assert dana[:9] == [
        "dana", "Dana Lee", "dana@example.com", "", "200.00", "125.00", "75.00", "no", "aboard",
    ]  # fmt: skip
    assert evil[1] == "'" + FORMULA and evil[3] == "'+1 619 555 0134"
    assert "\r\n" in answer.text  # RFC 4180 line ends


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    assert neutralise("Dana") == "Dana" and neutralise(None) == ""


def test_the_payments_export_has_every_payment_void_and_refund(
    api: Api, trip: None, ddb_calls: Any
) -> None:
    paid = api("GET", TRIP).json["payments"][0]["payment_id"]
    api("POST", f"{TRIP}/payment-log", {"patron_id": "dana", "amount": "50", "method": "cash"})
    api("POST", f"{TRIP}/payments/{paid}/void", {"reason": "=bounced"})
    back = {"patron_id": "dana", "amount": "20", "method": "cash", "reason": "fuel"}
    api("POST", f"{TRIP}/refunds", back)
    api("POST", "/api/events", event_body(date="2031-01-05"))  # outside the range
    ddb_calls.clear()
    answer = api("GET", "/api/exports/payments.csv", query="from=2030-05-01&to=2030-05-31")
    assert ddb_calls.calls == [*ROSTER_CHECK, "Query"]  # by date, through the index: no Scan
    assert answer.headers["content-disposition"] == (
        'attachment; filename="scc-payments-2030-05-01-to-2030-05-31.csv"'
    )
    header, *body = rows(answer.text)
    assert header == list(LEDGER_HEADER)
    assert sorted((r[5], r[6], r[7], r[11]) for r in body) == [
        ("payment", "125.00", "venmo", "yes"),
        ("payment", "50.00", "cash", "no"),
        ("refund", "20.00", "cash", "no"),
    ]  # payments (oldest first; two in one second by id), then refunds
    [first] = [r for r in body if r[6] == "125.00"]
    assert first[:5] == ["2030-05-23", TRIP_ID, "Captain Cory · Afternoon", "dana", "Dana Lee"]
    assert first[10] == "'-5 tip, '@dock" and first[14] == "'=bounced"


def test_an_empty_range_is_the_header_only(api: Api, trip: None) -> None:
    answer = api("GET", "/api/exports/payments.csv", query="from=2031-01-01&to=2031-12-31")
    assert answer.status == 200 and rows(answer.text) == [list(LEDGER_HEADER)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2030-01-01&to=2031-01-02", "to"),  # 367 days
        ("from=2030-05-02&to=2030-05-01", "to"),
        ("from=2030-02-30&to=2030-03-01", "from"),
        ("to=2030-03-01", "from"),
    ],
)
def test_a_bad_range_is_a_clear_422(api: Api, query: str, field: str) -> None:
    answer = api("GET", "/api/exports/payments.csv", query=query)
    assert answer.status == 422 and answer.json["field"] == field and answer.json["error"]
    assert (
        api("GET", "/api/exports/payments.csv", query="from=2030-01-01&to=2030-12-31").status == 200
    )


def test_the_printable_manifest_is_a_clean_page(api: Api, trip: None) -> None:
    page = api("GET", f"{TRIP}/manifest")
    assert page.status == 200 and page.text.startswith("<!doctype html>")
    html = page.text
    assert '<table class="manifest-table">' in html and "✓ aboard" in html
    assert "&#39;" not in html and "=HYPERLINK(&#34;http://x&#34;)" in html  # escaped, not prefixed
    assert "data-print" in html and "<script>" not in html
    assert "aboard 1 · waivers 0/2 · paid $125.00 of $400.00" in " ".join(html.split())
