"""scc.trips.rules without Flask or the store, over values from scc.trips.forms: a new trip, its
manifest's ids, who may leave the manifest, a share and a total never below what was paid, an
edit, where a reschedule goes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from scc.errors import Conflict, Invalid
from scc.models import Patron
from scc.trips import forms, rules
from scc.trips.manifest_forms import PatronLine
from tests.support.builders import TRIP_ID, event_body, payment, trip

PAID = replace(
    trip(),
    payments=[payment(amount="40.00")],
    paid_total=Decimal("40.00"),
    patron_paid={"dana": Decimal("40.00")},
)


def line(name: str, patron_id: str | None = None, share: str | None = None) -> PatronLine:
    return PatronLine(patron_id, name, None, None, None if share is None else Decimal(share))


def test_a_title_is_made_from_the_name_and_the_period() -> None:
    assert rules.title("captain-cory", "afternoon") == "Captain Cory · Afternoon"
    assert rules.title("captain-cory", None) == "Captain Cory"


def test_a_new_trip_from_its_body_totals_the_shares_when_no_total_is_typed() -> None:
    event = rules.new_trip(forms.new_trip(event_body(total=None)), "cory")
    assert (event.event_id, event.title, event.total) == (
        TRIP_ID,
        "Captain Cory · Afternoon",
        Decimal("400.00"),
    )
    assert [p.patron_id for p in event.patrons] == ["dana", "sam"] and event.created_by == "cory"


def test_manifest_ids_are_made_from_names_and_numbered_until_free() -> None:
    patrons = rules.manifest([line("Dana Lee"), line("Dana Lee"), line("Sam", "sam")])
    assert [p.patron_id for p in patrons] == ["dana-lee", "dana-lee-2", "sam"]
    kept = rules.manifest([line("Dana Lee")], kept=frozenset({"dana-lee"}))
    assert [p.patron_id for p in kept] == ["dana-lee-2"]  # a removed patron's payments keep it


@pytest.mark.parametrize(
    ("lines", "kept"),
    [([line("A", "a"), line("B", "a")], frozenset()), ([line("A", "a")], frozenset({"a"}))],
    ids=["given-twice", "kept-for-payments"],
)
def test_a_given_id_that_is_taken_is_refused_on_its_row(
    lines: list[PatronLine], kept: frozenset[str]
) -> None:
    with pytest.raises(Invalid) as refused:
        rules.manifest(lines, kept)
    assert refused.value.field == "patrons" and f"patrons.{len(lines)}" in (
        refused.value.errors or {}
    )


def test_a_patron_with_money_paid_stays_on_the_manifest() -> None:
    dana, sam = PAID.patrons
    with pytest.raises(Conflict, match=r"payments on record \(\$40.00 paid\)"):
        rules.removable(PAID, dana)
    rules.removable(PAID, sam)  # nothing paid, nothing signed: may go


def test_a_patron_who_signed_stays_on_the_manifest() -> None:
    signed = replace(trip(), waiver_by_patron={"sam": "20301121T223714123Z-a1b2c3d4e5f6"})
    with pytest.raises(Conflict, match="signed the waiver"):
        rules.removable(signed, signed.patrons[1])


def test_a_share_is_never_set_below_what_was_paid() -> None:
    dana = PAID.patrons[0]
    with pytest.raises(Invalid) as refused:
        rules.share_ok(PAID, replace(dana, amount_due=Decimal("39.99")))
    assert refused.value.field == "amount_due"
    rules.share_ok(PAID, replace(dana, amount_due=Decimal("40.00")))


def test_a_total_grows_to_the_shares_and_is_never_below_what_was_paid() -> None:
    assert rules.with_total(replace(PAID, total=Decimal("100.00"))).total == Decimal("400.00")
    assert rules.with_total(PAID, Decimal("450")).total == Decimal("450")
    alone = replace(PAID, patrons=[Patron(patron_id="dana", name="Dana Lee")])
    with pytest.raises(Invalid) as refused:
        rules.with_total(alone, Decimal("39"))
    assert refused.value.field == "total"


def test_an_edit_changes_what_it_names_and_keeps_what_was_paid() -> None:
    changed = rules.edited(PAID, forms.trip_edit({"title": "Sunset run", "total": "400.00"}))
    assert (changed.title, changed.total, changed.paid_total) == (
        "Sunset run",
        Decimal("400.00"),
        Decimal("40.00"),
    )
    dropping_dana = forms.trip_edit({"patrons": [{"patron_id": "sam", "name": "Sam Ortiz"}]})
    with pytest.raises(Invalid, match="payments on record") as refused:
        rules.edited(PAID, dropping_dana)
    assert refused.value.field == "patrons"


def test_a_reschedule_keeps_the_period_unless_given_one() -> None:
    event = trip(period="afternoon")
    moved = rules.moved_id(event, forms.moving({"date": "2030-06-01"}))
    assert moved == "2030-06-01-captain-cory-afternoon"
    sunset = forms.moving({"date": "2030-05-23", "period": "sunset"})
    assert rules.moved_id(event, sunset) == "2030-05-23-captain-cory-sunset"
    with pytest.raises(Invalid, match="already has") as refused:
        rules.moved_id(event, forms.moving({"date": "2030-05-23"}))
    assert refused.value.field == "date"
