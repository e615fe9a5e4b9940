"""Signed waivers in DynamoDB: one read and one transaction per signature, write-once records."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import pytest

from scc import activity
from scc.errors import Conflict, Contended, NotFound
from scc.store import Store, keys, trips
from scc.store import waivers as signed
from scc.store.items import waiver_from_item
from scc.store.trips import ACTIVITY_KEEP, ACTIVITY_MAX
from scc.trips import forms, manifest
from scc.waivers import records
from scc.waivers import signing as waivers
from scc.waivers import text as waiver_text
from tests.support.builders import trip
from tests.support.domain import check, sign, stored_waivers


def test_a_signature_is_stored_with_everything_that_makes_it_stand_up(store: Store) -> None:
    trips.create(store, trip())
    outcome = sign(store, minors=[("Kid Lee", "2020-01-02")])
    [item] = stored_waivers(store)
    assert item["full_name"] == "Dana Lee" and item["signature"] == "Dana Lee"
    assert item["minors"] == [{"name": "Kid Lee", "date_of_birth": "2020-01-02"}]
    assert item["agreed"] is True and item["ip"] == "203.0.113.9"
    assert item["user_agent"] == "pytest-phone" and item["waiver_version"] == "2026-11-v1"
    assert item["crew_id"] == f"{keys.WAIVER_PREFIX}{item['signed_at']}#{item['waiver_id'][-12:]}"
    assert outcome.waiver is not None and outcome.waiver.waiver_id == item["waiver_id"]


def test_signed_at_is_utc_with_milliseconds(store: Store) -> None:
    trips.create(store, trip())
    stamp = sign(store).waiver.signed_at  # type: ignore[union-attr]
    assert len(stamp) == 24 and stamp.endswith("Z") and stamp[19] == "."


def test_signing_counts_the_waiver_on_the_event(store: Store) -> None:
    trips.create(store, trip())
    sign(store)
    sign(store, full_name="Sam Ortiz", signature="Sam Ortiz")
    assert trips.get(store, "2030-05-23-captain-cory-afternoon").waivers_signed == 2


def test_signing_is_one_read_and_one_transaction(store: Store, ddb_calls: Any) -> None:
    trips.create(store, trip())
    ddb_calls.clear()
    sign(store)
    assert ddb_calls.calls == ["BatchGetItem", "TransactWriteItems"]


def test_invalid_input_stores_nothing_and_writes_nothing(store: Store, ddb_calls: Any) -> None:
    trips.create(store, trip())
    ddb_calls.clear()
    outcome = sign(store, email="nope")
    assert "email" in outcome.errors and outcome.waiver is None
    assert ddb_calls.calls == ["BatchGetItem"]
    assert stored_waivers(store) == []


def test_a_waiver_is_written_once(store: Store) -> None:
    event = trips.create(store, trip())
    waiver = sign(store).waiver
    assert waiver is not None
    with pytest.raises(Contended):
        current = trips.get(store, event.event_id)  # the signature's write is guarded by rev
        waivers.save(store, replace(waiver, full_name="Someone Else"), current)
    assert [w["full_name"] for w in stored_waivers(store)] == ["Dana Lee"]
    assert trips.get(store, event.event_id).waivers_signed == 1


def test_an_unknown_event_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        sign(store)
    assert stored_waivers(store) == []


def test_an_event_deleted_meanwhile_stores_no_orphan(store: Store, monkeypatch: Any) -> None:
    trips.create(store, trip())
    real = signed.read_for_signing

    def read_then_delete(*args: Any) -> Any:
        found = real(*args)
        store.call(
            "delete_item",
            TableName=store.table,
            Key={"eid": {"S": args[1]}, "crew_id": {"S": "#event"}},
        )
        return found

    monkeypatch.setattr(signed, "read_for_signing", read_then_delete)
    with pytest.raises(NotFound):
        sign(store)
    assert stored_waivers(store) == []


def test_the_same_form_sent_twice_is_stored_once(store: Store) -> None:
    trips.create(store, trip())
    first = sign(store, nonce="same-form-id-0123456789")
    again = sign(store, nonce="same-form-id-0123456789")
    assert first.waiver is not None and again.duplicate_of == first.waiver.waiver_id
    assert len(stored_waivers(store)) == 1
    assert trips.get(store, "2030-05-23-captain-cory-afternoon").waivers_signed == 1


def test_a_changed_text_asks_to_read_again(store: Store) -> None:
    trips.create(store, trip())
    outcome = waivers.submit(
        store,
        "2030-05-23-captain-cory-afternoon",
        ip="203.0.113.9",
        nonce="n" * 22,
        check=check(),
        user_agent="x",
        shown_sha256="0" * 64,
    )
    assert outcome.errors == {"waiver_text": waivers.TEXT_CHANGED}
    assert stored_waivers(store) == []


def test_a_stale_edit_of_the_event_cannot_overwrite_the_count(store: Store) -> None:
    before = trips.create(store, trip())
    sign(store)
    with pytest.raises(Conflict):
        renamed = replace(before, title="Renamed")
        trips.edit(store, before, renamed, activity.edit_entries(before, renamed, "cory"))
    assert trips.get(store, before.event_id).waivers_signed == 1


def test_signing_keeps_the_trips_activity_small(store: Store) -> None:
    created = trips.create(store, trip())
    filler = activity.entry("leo", "check_in", "x")
    item = store.get(keys.event(created.event_id))
    assert item is not None
    item["activity"] = [item["activity"][0]] + [asdict(filler)] * (ACTIVITY_MAX - 1)
    store.put(item)
    sign(store)
    after = trips.get(store, created.event_id)
    assert len(after.activity) == ACTIVITY_KEEP
    assert after.activity_folded == ACTIVITY_MAX + 1 - ACTIVITY_KEEP
    assert after.activity[0].action == "created" and after.activity[-1].action == "waiver_signed"


def test_signers_off_the_manifest_are_capped_per_trip(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waivers, "UNMATCHED_MOST", 2)
    created = trips.create(store, trip())
    for n in (1, 2):
        assert sign(store, full_name=f"Guest {n}", signature=f"Guest {n}").waiver is not None
    refused = sign(store, full_name="Guest 3", signature="Guest 3")
    assert refused.waiver is None and refused.errors == {"full_name": waivers.TOO_MANY_UNMATCHED}
    assert "ask the crew to add you" in waivers.TOO_MANY_UNMATCHED
    now = trips.get(store, created.event_id)
    assert sorted(now.waivers_unmatched.values()) == ["Guest 1", "Guest 2"]
    assert now.waivers_signed == 2 and len(stored_waivers(store)) == 2
    assert sign(store).waiver is not None  # Dana is on the manifest: still signs
    # a signature racing to the cap (its trip read below it) is refused by the write itself
    signer = check(full_name="Guest 4", signature="Guest 4")(created)
    late = records.build(created, signer, ip="203.0.113.9", user_agent="pytest-phone")
    with pytest.raises(Conflict):  # Stale: the trip changed since `created` was read
        waivers.save(store, late, created)
    assert trips.get(store, created.event_id).waivers_signed == 3


def test_list_returns_only_waivers_oldest_first(store: Store) -> None:
    trips.create(store, trip())
    names = ["Ann Bee", "Cy Dee", "Eve Eff"]
    for name in names:
        sign(store, full_name=name, signature=name)
    whole = trips.get_collection(store, "2030-05-23-captain-cory-afternoon")
    assert [w.full_name for w in whole.waivers] == names and whole.event.waivers_signed == 3


def test_get_reads_one_waiver_by_its_id(store: Store) -> None:
    trips.create(store, trip())
    waiver = sign(store).waiver
    assert waiver is not None
    assert signed.get(store, waiver.event_id, waiver.waiver_id) == waiver


@pytest.mark.parametrize(
    "waiver_id", ["nope", "20261121T223714123Z-zzzzzzzzzzzz", "20261121T223714123Z-a1b2c3d4e5f6"]
)
def test_get_of_a_malformed_or_unknown_id_is_not_found(store: Store, waiver_id: str) -> None:
    trips.create(store, trip())
    with pytest.raises(NotFound):
        signed.get(store, "2030-05-23-captain-cory-afternoon", waiver_id)


def test_the_sort_key_comes_back_from_the_waiver_id() -> None:
    assert keys.waiver_sort_key("20261121T223714123Z-a1b2c3d4e5f6") == (
        "#waiver#2026-11-21T22:37:14.123Z#a1b2c3d4e5f6"
    )


def test_every_stored_waiver_re_renders_to_its_stored_hash(store: Store) -> None:
    first = trips.create(store, trip(title='Bob\'s "R&R" cruise'))
    trips.create(store, trip(event_id="2030-06-01-captain-maya", title="Kelp"))
    sign(store, minors=[("Kid Lee", "2020-01-02")])
    sign(store, "2030-06-01-captain-maya", full_name="Sam Ortiz", signature="sam ortiz")
    manifest.edit(store, first.event_id, forms.trip_edit({"title": "Renamed later"}), "cory")
    sign(store, full_name="Ann Bee", signature="Ann Bee")
    records = stored_waivers(store)
    assert len(records) == 3
    for item in records:
        text = waiver_text.render(item["waiver_version"], item["text_context"])
        assert waiver_text.sha256(text) == item["text_sha256"]
        assert waiver_text.checked(waiver_from_item(item))[1]
