"""The manifest a captain files, through lambda_entry.handler: each person with the emergency
contact from their waiver, the minors a waiver names marked (under the signer when they are not
on the manifest themselves), each check-in; the printable page and the CSV say the same, and
both cost one Query (the trip and its waivers, one item collection)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from scc.store import Store
from scc.trips.exports import MANIFEST_HEADER
from tests.support.builders import TRIP_ID, event_body
from tests.support.domain import sign
from tests.support.harness import Api

TRIP = f"/api/events/{TRIP_ID}"


@pytest.fixture
def filed(api: Api, store: Store) -> None:
    """Dana signed for herself and two children (Kid on the manifest, Mia not); Ann signed
    with a `;`-formula as her contact; Bo signed nothing and did not show; Cy signed, and is
    not on the manifest."""
    patrons = [
        {"patron_id": "dana", "name": "Dana Lee", "email": "dana@example.com", "amount_due": "200"},
        {"patron_id": "kid", "name": "Kid Lee"},
        {"patron_id": "ann", "name": "Ann Fox", "amount_due": "100"},
        {"patron_id": "bo", "name": "Bo Tan", "phone": "619-555-0101", "amount_due": "100"},
    ]
    assert api("POST", "/api/events", event_body(patrons=patrons)).status == 201
    sign(store, minors=[("Kid Lee", "2019-06-01"), ("Mia Lee", "2021-02-03")])
    sign(
        store,
        full_name="Ann Fox",
        email="ann@example.com",
        signature="Ann Fox",
        emergency_contact_name="Max;=1+2",
        emergency_contact_phone="+1 858 555 0177",
    )
    sign(store, full_name="Cy Walk-On", email="cy@example.com", signature="Cy Walk-On")
    api("POST", f"{TRIP}/patrons/dana/check-in", {"status": "aboard"})
    api("POST", f"{TRIP}/patrons/bo/check-in", {"status": "no_show"})


def by_name(text: str) -> dict[str, dict[str, str]]:
    header, *body = csv.reader(io.StringIO(text))
    assert header == list(MANIFEST_HEADER)
    return {row[1]: dict(zip(header, row, strict=True)) for row in body}


def test_the_csv_has_each_persons_emergency_contact_minors_and_check_in(
    api: Api, filed: None, ddb_calls: Any
) -> None:
    ddb_calls.clear()
    answer = api("GET", f"{TRIP}/manifest.csv")
    assert answer.status == 200 and ddb_calls.calls == ["Query"]  # the trip with its waivers
    rows = by_name(answer.text)
    assert list(rows) == ["Dana Lee", "Mia Lee", "Kid Lee", "Ann Fox", "Bo Tan"]
    dana, mia, kid, ann, bo = rows.values()
    person = ("patron_id", "waiver_signed", "check_in", "minor", "date_of_birth", "signed_for_by")
    contact = ("emergency_contact_name", "emergency_contact_phone")
    assert [dana[c] for c in person + contact] == [
        "dana", "yes", "aboard", "no", "", "", "Sam Lee", "619-555-0199",
    ]  # fmt: skip
    # Mia is on Dana's waiver, not on the manifest: a line of her own under Dana, no money.
    assert [mia[c] for c in person + contact] == [
        "", "yes", "", "yes", "2021-02-03", "Dana Lee", "Sam Lee", "619-555-0199",
    ]  # fmt: skip
    assert mia["amount_due"] == mia["paid"] == ""
    # Kid is on the manifest and on Dana's waiver: his own row, marked minor.
    assert [kid[c] for c in person + contact] == [
        "kid", "yes", "", "yes", "2019-06-01", "Dana Lee", "Sam Lee", "619-555-0199",
    ]  # fmt: skip
    # No cell a spreadsheet runs, even after a separator.
    assert [ann[c] for c in contact] == ["Max;'=1+2", "'+1 858 555 0177"]
    assert [bo[c] for c in person + contact] == ["bo", "no", "no_show", "no", "", "", "", ""]


def test_the_printable_manifest_says_the_same(api: Api, filed: None, ddb_calls: Any) -> None:
    ddb_calls.clear()
    page = api("GET", f"{TRIP}/manifest")
    assert page.status == 200 and ddb_calls.calls == ["Query"]
    html = " ".join(page.text.split())
    lines = html.split("<tr class=")[1:]  # the header's row has no class
    assert [line.split('"')[1] for line in lines] == [
        "patron-line",
        "minor-line",
        "patron-line",
        "patron-line",
        "patron-line unsigned",
    ]
    dana, mia, kid, ann, bo = lines
    assert "Dana Lee" in dana and "✓ Sam Lee" in dana and "619-555-0199" in dana
    assert "✓ aboard" in dana and "$200.00" in dana
    assert "Mia Lee" in mia and "minor" in mia and "born 2021-02-03" in mia
    assert "signed for by Dana Lee" in mia and "with Dana Lee's party" in mia
    assert "✓ Sam Lee" in mia
    assert "Kid Lee" in kid and '<span class="minor-tag">minor</span>' in kid
    assert "born 2019-06-01" in kid and "☐ not yet" in kid
    assert "Max;=1+2" in ann and "+1 858 555 0177" in ann
    assert "✗ no waiver" in bo and "✗ no-show" in bo and "619-555-0101" in bo
    assert "Signed a waiver but not on the manifest: Cy Walk-On (add them from Waivers)" in html
    assert "table-scroll" not in html  # no sideways scroller that needs focus
    assert "4 on the manifest · 1 minor on their waivers · aboard 1 · waivers 3/4" in html
