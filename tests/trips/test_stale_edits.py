"""The Edit dialog after a stale save: the editor's changes merged over the trip as it is now
(values in, values out: the handler's side is in test_manifest.py)."""

from __future__ import annotations

import json

from scc.trips.stale_edits import Drawn, drawn, merge


def row(pid: str, name: str, phone: str = "") -> dict[str, str]:
    columns = {"email": "", "phone": phone, "amount_due": "", "party": "1"}
    return {"patron_id": pid, "name": name, **columns}


WAS = {
    "title": "Whales",
    "total": "400.00",
    "patrons": [row("ann", "Ann"), row("bo", "Bo"), row("cy", "Cy")],
    "crew": [{"crew_id": "cory", "role": "captain"}, {"crew_id": "leo", "role": "mate"}],
}


def test_each_field_and_row_is_theirs_where_they_changed_it_else_as_it_is_now() -> None:
    now = {
        "title": "Whale watch",  # others renamed it
        "total": "450.00",
        "patrons": [row("ann", "Ann Fox"), row("bo", "Bo"), row("zoe", "Zoe")],  # Cy gone
        "crew": [{"crew_id": "cory", "role": "captain"}, {"crew_id": "leo", "role": "deckhand"}],
    }
    typed = {
        "title": "Whales",  # left as drawn
        "total": "500.00",  # theirs
        "patrons": [row("ann", "Ann"), row("cy", "Cy"), row("", "Dee")],  # Bo removed, Dee new
        "crew": [{"crew_id": "cory", "role": "captain"}],  # Leo removed
    }
    merged = merge(WAS, typed, now)
    assert (merged["title"], merged["total"]) == ("Whale watch", "500.00")
    assert [p["name"] for p in merged["patrons"]] == ["Ann Fox", "Dee", "Zoe"]
    assert merged["crew"] == [{"crew_id": "cory", "role": "captain"}]


def test_a_row_they_changed_stays_theirs_and_without_a_copy_all_is_as_typed() -> None:
    now = {**WAS, "patrons": [row("ann", "Ann", "619-555-0100")]}
    typed = {**WAS, "patrons": [row("ann", "Ann", "858-555-0101")]}
    assert merge(WAS, typed, now)["patrons"] == typed["patrons"]
    assert merge({}, typed, now) == typed


def test_an_ill_formed_copy_or_count_is_no_copy_never_a_refusal() -> None:
    assert drawn({"copy": "[1,", "rev": "x", "seen": "3"}) == Drawn(None, 3, {})
    odd = {"title": 5, "patrons": [{"name": "no id"}], "crew": "cory", "boat": ""}
    assert drawn({"copy": json.dumps(odd), "rev": "2"}) == Drawn(2, None, {"boat": ""})
