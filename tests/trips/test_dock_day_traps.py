"""The dock day without traps: a cancelled trip closed to patrons, formulas kept out of CSV, a
trip's total and due following its patrons' shares."""

from __future__ import annotations

import csv
import io
from typing import Any

from scc.store import Store, trips
from tests.support.builders import trip, waiver_form
from tests.support.domain import stored_waivers

EID = "2030-05-23-captain-cory-afternoon"


def test_a_cancelled_trips_waiver_page_takes_no_signature(store: Store, api: Any) -> None:
    trips.create(store, trip())
    cancel = api("POST", f"/api/events/{EID}/cancel", {"reason": "small craft advisory"})
    assert cancel.status == 200, cancel.body
    rev = trips.get(store, EID).rev
    page = api.http("GET", f"/g/{EID}/waiver")
    assert page.status == 200 and "has been cancelled" in page.text
    assert 'name="signature"' not in page.text
    signed = api.http("POST", f"/g/{EID}/waiver", form=waiver_form())
    assert signed.status == 409 and "nothing was saved" in signed.text
    assert stored_waivers(store) == [] and trips.get(store, EID).rev == rev
    pay = api.http("GET", f"/g/{EID}/payment")
    assert "has been cancelled" in pay.text and "will be refunded" in pay.text


def test_a_separator_inside_a_cell_never_starts_a_formula(store: Store, api: Any) -> None:
    mal = "Mal Ory;=2+5;"  # OWASP: Excel splits on ; (or a tab) in many locales
    trips.create(store, trip())
    added = api("POST", f"/api/events/{EID}/patrons", {"name": mal, "amount_due": "10"})
    assert added.status in (200, 201), added.body
    paid = {"patron_id": "dana", "amount": "5", "method": "cash", "notes": "tip;+1\t@x, -2"}
    assert api("POST", f"/api/events/{EID}/payment-log", paid).status == 201
    for path, query in ((f"/api/events/{EID}/manifest.csv", ""), PAYMENTS):
        text = api("GET", path, query=query).text
        for separator in (",", ";", "\t"):  # the sheets that split on each
            cells = [c for row in csv.reader(io.StringIO(text), delimiter=separator) for c in row]
            assert not [c for c in cells if c.lstrip(" ").startswith(("=", "+", "-", "@"))]
    assert "Mal Ory;'=2+5;" in api("GET", f"/api/events/{EID}/manifest.csv").text


PAYMENTS = ("/api/exports/payments.csv", "from=2030-05-01&to=2030-05-31")


def test_a_share_set_to_zero_moves_the_trips_total_and_due(store: Store, api: Any) -> None:
    trips.create(store, trip())  # Dana $200, Sam $200: total $400
    pay = {"patron_id": "dana", "amount": "200", "method": "cash"}
    assert api("POST", f"/api/events/{EID}/payment-log", pay).status == 201
    card = api("GET", f"/api/events/{EID}", htmx=True).text
    assert "Log Payment" in card  # Sam still owes $200
    read = api("GET", f"/api/events/{EID}").json
    patrons = [
        {"patron_id": "dana", "name": "Dana Lee", "amount_due": "200.00"},
        {"patron_id": "sam", "name": "Sam Ortiz", "amount_due": "0"},
    ]
    edit = {"patrons": patrons, "total": read["total"], "rev": read["rev"]}
    edited = api("PATCH", f"/api/events/{EID}", edit)
    assert edited.status == 200, edited.body
    assert edited.json["total"] == "200.00" and edited.json["balance_due"] == "0.00"
    card = api("GET", f"/api/events/{EID}", htmx=True).text
    assert "Log Payment" not in card  # nothing is owed


def test_the_waivers_dialog_lists_who_is_still_missing(store: Store, api: Any) -> None:
    trips.create(store, trip())
    assert api.http("POST", f"/g/{EID}/waiver", form=waiver_form()).status == 201  # Dana
    dialog = api("GET", f"/api/events/{EID}/waivers", htmx=True)
    assert dialog.status == 200, dialog.body
    missing = dialog.text.split('<ul class="waivers-missing">', 1)[1].split("</ul>", 1)[0]
    assert "Sam Ortiz" in missing and "Dana Lee" not in missing
    assert "Still to sign (1)" in dialog.text
    assert f'hx-get="/api/events/{EID}/patrons/sam/contact">Sam Ortiz</button>' in missing
