"""The dock day without traps (DESIGN.md): a cancelled trip is closed to patrons."""

from __future__ import annotations

from typing import Any

from scc.store import Store, trips
from tests.builders import trip, waiver_form
from tests.support import stored_waivers

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
