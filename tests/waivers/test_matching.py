"""Signed waivers matched to the manifest: by email, else by name (case and spacing ignored),
minors by name; a signer who matches nobody is "not on the manifest", one tap from it."""

from __future__ import annotations

from typing import Any

import pytest

from scc import matching
from scc.models import Minor, Patron, Waiver
from scc.store import Store
from tests.support.builders import TRIP_ID, event_body
from tests.support.domain import sign
from tests.support.harness import Api

TRIP = f"/api/events/{TRIP_ID}"
MANIFEST = [
    Patron(patron_id="ben", name="Ben Carter", email="carters@example.com"),
    Patron(patron_id="ivy", name="Ivy Carter", email="carters@example.com"),
    Patron(patron_id="mia", name="Mia Carter"),
    Patron(patron_id="dana", name="Dana Lee", email="dana@example.com"),
]


def waiver(name: str, email: str, *minors: str) -> Waiver:
    return Waiver(
        event_id=TRIP_ID, waiver_id=f"w-{name}", signed_at="2030-05-01T00:00:00.000Z",
        full_name=name, email=email, phone=None, date_of_birth="1980-01-01",
        emergency_contact_name="x", emergency_contact_phone="x",
        minors=tuple(Minor(m, "2020-01-01") for m in minors), agreed=True, signature=name,
        waiver_version="v", text_sha256="", ip="", user_agent="",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("signer", "expected"),
    [
        (waiver("D. Lee", "DANA@example.com "), ["dana"]),  # by email, whatever the name
        (waiver("  dana   LEE ", "other@example.com"), ["dana"]),  # else by name
        (waiver("Ivy Carter", "carters@example.com", "mia  carter"), ["ivy", "mia"]),  # shared
        (waiver("Someone Else", "carters@example.com"), []),  # a shared address decides nothing
        (waiver("Walk On", "walk@example.com"), []),
    ],
)
def test_a_signer_is_matched_by_email_else_by_name(signer: Waiver, expected: list[str]) -> None:
    assert matching.patrons_of(MANIFEST, signer) == expected


def test_unmatched_signers_are_listed_and_one_tap_adds_them(api: Api, store: Store) -> None:
    assert api("POST", "/api/events", event_body()).status == 201
    sign(store, full_name="DANA LEE", email="dl@example.com")
    walk_on = sign(store, full_name="Walk On", email="walk@example.com", signature="Walk On")
    assert walk_on.waiver is not None
    card = api("GET", TRIP, htmx=True).text
    assert "Waivers 1/2 · 1 not on the manifest" in card
    assert 'Dana Lee</button> <span class="signed" title="Waiver signed">' in " ".join(card.split())
    data = api("GET", TRIP).json
    assert [p["waiver_signed"] for p in data["patrons"]] == [True, False]
    assert data["waivers_unmatched"] == [{"waiver_id": walk_on.waiver.waiver_id, "name": "Walk On"}]
    dialog = api("GET", f"{TRIP}/waivers", htmx=True).text
    assert "not on the manifest" in dialog and "Add to manifest" in dialog
    assert "✓ Dana Lee" in dialog
    body: dict[str, Any] = {"waiver_id": walk_on.waiver.waiver_id, "rev": data["rev"]}
    added = api("POST", f"{TRIP}/patrons", form=body, htmx=True)
    assert (
        added.status == 201
        and "Waivers 2/3" in added.text
        and "not on the manifest" not in added.text
    )
    walk = api("GET", TRIP).json["patrons"][-1]
    assert (walk["patron_id"], walk["email"], walk["waiver_signed"]) == (
        "walk-on",
        "walk@example.com",
        True,
    )


def test_a_patron_added_later_is_matched_to_an_earlier_signature(api: Api, store: Store) -> None:
    assert api("POST", "/api/events", event_body()).status == 201
    sign(store, full_name="Gus Miller", email="gus@example.com", signature="Gus Miller")
    added = api("POST", f"{TRIP}/patrons", {"name": "gus  miller"}).json
    assert added["patrons"][-1]["waiver_signed"] and added["waivers_unmatched"] == []
