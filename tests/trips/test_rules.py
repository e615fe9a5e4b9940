"""scc.trips.rules without Flask or the store: a new trip's id, the rev an editor read, who may
leave the manifest, a share and a total never below what was paid, an edit, a reschedule."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from scc.errors import Conflict, Invalid
from scc.models import Patron
from scc.trips import rules
from tests.support.builders import TRIP_ID, payment, trip

PAID = replace(
    trip(),
    payments=[payment(amount="40.00")],
    paid_total=Decimal("40.00"),
    patron_paid={"dana": Decimal("40.00")},
)


@pytest.mark.parametrize(
    ("typed", "period"),
    [(None, None), ("", None), ("None", None), ("Sunset", "sunset"), ("Late Run", "late-run")],
)
def test_a_period_is_a_slug_or_nothing(typed: str | None, period: str | None) -> None:
    assert rules.period(typed) == period


def test_a_period_without_letters_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        rules.period("!!!")
    assert refused.value.field == "period"


def test_a_new_id_is_the_date_the_name_and_the_period() -> None:
    data = {"date": "2030-05-23", "name": "Captain Cory", "period": "afternoon"}
    assert rules.new_id(data) == (TRIP_ID, "Captain Cory", "afternoon")
    assert rules.new_id({**data, "period": None})[0] == "2030-05-23-captain-cory"


def test_an_explicit_id_names_its_period_only_when_it_ends_in_one() -> None:
    assert rules.new_id({"event_id": TRIP_ID}) == (TRIP_ID, "captain-cory", "afternoon")
    assert rules.new_id({"event_id": "2030-05-23-whales"}) == ("2030-05-23-whales", "whales", None)


def test_a_new_ids_problems_are_reported_at_once() -> None:
    with pytest.raises(Invalid) as refused:
        rules.new_id({"date": "2030-02-30", "name": "", "period": "!!!"})
    assert set(refused.value.errors or {}) == {"date", "name", "period"}


@pytest.mark.parametrize(("seen", "rev"), [(None, None), ("", None), (7, 7), (" 12 ", 12)])
def test_rev_seen_is_the_version_read(seen: object, rev: int | None) -> None:
    assert rules.rev_seen({"rev": seen}) == rev


@pytest.mark.parametrize("seen", [True, "abc", "-1", "1" * 13, 1.5, "٣"])
def test_rev_seen_refuses_anything_but_a_version_number(seen: object) -> None:
    with pytest.raises(Invalid) as refused:
        rules.rev_seen({"rev": seen})
    assert refused.value.field == "rev"


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
    grown = replace(PAID, total=Decimal("100.00"))
    assert rules.with_total(grown).total == Decimal("400.00")  # two shares of 200.00
    assert rules.with_total(PAID, "450").total == Decimal("450.00")
    with pytest.raises(Invalid) as refused:
        rules.with_total(replace(PAID, patrons=[Patron(patron_id="dana", name="D")]), "39")
    assert refused.value.field == "total"


@pytest.mark.parametrize(("body", "field"), [({"paid_total": "0"}, "paid_total"), ({"x": 1}, "x")])
def test_an_edit_of_the_ledger_or_an_unknown_field_is_refused(body: dict, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        rules.apply_changes(PAID, body)
    assert refused.value.field == field


def test_an_edit_changes_what_it_names_and_keeps_what_was_paid() -> None:
    changed = rules.apply_changes(PAID, {"title": "Sunset run", "total": "400.00"})
    assert (changed.title, changed.total, changed.paid_total) == (
        "Sunset run",
        Decimal("400.00"),
        Decimal("40.00"),
    )
    with pytest.raises(Invalid, match="payments on record") as refused:
        rules.apply_changes(PAID, {"patrons": [{"patron_id": "sam", "name": "Sam Ortiz"}]})
    assert refused.value.field == "patrons"


def test_a_reschedule_keeps_the_period_unless_given_one() -> None:
    event = trip(period="afternoon")
    assert rules.moved_id(event, {"date": "2030-06-01"})[0] == "2030-06-01-captain-cory-afternoon"
    eid, _, chosen = rules.moved_id(event, {"date": "2030-05-23", "period": "sunset"})
    assert (eid, chosen) == ("2030-05-23-captain-cory-sunset", "sunset")
    with pytest.raises(Invalid, match="already has") as refused:
        rules.moved_id(event, {"date": "2030-05-23"})
    assert refused.value.field == "date"
