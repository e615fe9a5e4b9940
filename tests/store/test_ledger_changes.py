"""scc.store.ledger_changes: each Change applied to a trip's item in the test table (one
conditional UpdateItem, as the ledger sends it), its refusals and the totals it leaves. A trip
of 400.00: Dana's share 200.00, Sam's 200.00."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from scc.models import CANCELLED, Refund
from scc.store import Store, keys, trips
from scc.store import ledger_changes as changes
from scc.store.changes import Change
from scc.store.gateway import ConditionFailed
from tests.support.builders import TRIP_ID, payment, trip

MOST = 5


@pytest.fixture
def item(store: Store) -> Any:
    """Apply a Change to the trip's item; the item after."""
    trips.create(store, trip())

    def apply(change: Any) -> dict[str, Any]:
        return store.update(keys.event(TRIP_ID), change)

    return apply


def refund(amount: str, refund_id: str = "r1", patron_id: str = "dana") -> Refund:
    return Refund(
        refund_id=refund_id,
        patron_id=patron_id,
        amount=Decimal(amount),
        method="venmo",
        reason="weather",
        timestamp="2030-05-23T12:00:00Z",
        logged_by="cory",
        lower_due=False,  # the money is owed again (the discount: tests/payments/test_refund_due)
    )


def test_a_payment_moves_every_total_once(item: Any) -> None:
    after = item(changes.payment(payment(amount="40.00"), most=MOST))
    assert after["patron_paid"] == {"dana": Decimal("40")}
    assert after["patron_due"]["dana"] == Decimal("160")
    assert (after["payment_amount"], after["balance_due"]) == (Decimal("40"), Decimal("360"))
    assert after["payment_index"] == {"p1": "dana"} and "p1" in after["payments"]["dana"]
    with pytest.raises(ConditionFailed):  # the same key again: recorded once
        item(changes.payment(payment(amount="40.00"), most=MOST))


@pytest.mark.parametrize(
    "paid",
    [payment(amount="200.01"), payment(patron_id="nobody")],
    ids=["past-the-share", "not-on-the-manifest"],
)
def test_a_payment_past_what_is_owed_is_refused(item: Any, paid: Any) -> None:
    with pytest.raises(ConditionFailed):
        item(changes.payment(paid, most=MOST))


def test_a_payment_past_the_trips_balance_is_refused(item: Any, store: Store) -> None:
    store.update(keys.event(TRIP_ID), changes.payment(payment(amount="200.00"), most=MOST))
    sam = payment(payment_id="p2", patron_id="sam", amount="150.00")
    item(changes.payment(sam, most=MOST))
    over = payment(payment_id="p3", patron_id="sam", amount="50.01")
    with pytest.raises(ConditionFailed):
        item(changes.payment(over, most=MOST))
    last = item(changes.payment(replace(over, amount=Decimal("50.00")), most=MOST))
    assert last["balance_due"] == 0


def test_no_payment_past_the_most_a_trip_holds(item: Any) -> None:
    for n in range(2):
        item(changes.payment(payment(payment_id=f"p{n}", amount="1.00"), most=2))
    with pytest.raises(ConditionFailed):
        item(changes.payment(payment(payment_id="p2", amount="1.00"), most=2))


def test_no_payment_on_a_cancelled_trip(item: Any, store: Store) -> None:
    cancel = Change(set=("#s = :c",), names={"#s": "status"}, values={":c": CANCELLED})
    store.update(keys.event(TRIP_ID), cancel)
    with pytest.raises(ConditionFailed):
        item(changes.payment(payment(), most=MOST))


def test_cleared_only_while_nothing_is_due(item: Any) -> None:
    with pytest.raises(ConditionFailed):
        item(changes.cleared())
    item(changes.payment(payment(amount="200.00"), most=MOST))
    item(changes.payment(payment(payment_id="p2", patron_id="sam", amount="200.00"), most=MOST))
    assert item(changes.cleared())["payment_cleared"] is True


def test_a_void_keeps_the_payment_and_gives_its_amount_back(item: Any) -> None:
    paid = payment(amount="40.00")
    item(changes.payment(paid, most=MOST))
    at = "2030-05-23T11:00:00Z"
    after = item(changes.void(paid, by="cory", reason="typo", at=at))
    record = after["payments"]["dana"]["p1"]
    assert (record["voided"], record["voided_by"], record["void_reason"]) == (True, "cory", "typo")
    assert after["patron_paid"]["dana"] == 0 and after["balance_due"] == Decimal("400")
    assert after["payment_cleared"] is False
    with pytest.raises(ConditionFailed):  # voided once
        item(changes.void(paid, by="cory", reason="again", at=at))


def test_a_void_is_refused_once_money_went_back_against_it(item: Any) -> None:
    paid = payment(amount="40.00")
    item(changes.payment(paid, most=MOST))
    item(changes.refund(refund("10.00"), most=MOST))
    with pytest.raises(ConditionFailed):  # net paid would go below zero
        item(changes.void(paid, by="cory", reason="typo", at="2030-05-23T11:00:00Z"))


def test_a_refund_is_bounded_by_net_paid_and_recorded_once(item: Any) -> None:
    item(changes.payment(payment(amount="40.00"), most=MOST))
    with pytest.raises(ConditionFailed):
        item(changes.refund(refund("40.01"), most=MOST))
    after = item(changes.refund(refund("30.00"), most=MOST))
    assert after["patron_paid"]["dana"] == Decimal("10")
    assert (after["payment_amount"], after["balance_due"]) == (Decimal("10"), Decimal("390"))
    assert "r1" in after["refunds"]
    with pytest.raises(ConditionFailed):  # the same key again
        item(changes.refund(refund("5.00"), most=MOST))
    with pytest.raises(ConditionFailed):  # 10.00 left of what Dana paid
        item(changes.refund(refund("10.01", "r2"), most=MOST))


def test_no_refund_for_a_patron_who_paid_nothing_or_past_the_most(item: Any) -> None:
    with pytest.raises(ConditionFailed):
        item(changes.refund(refund("1.00", patron_id="sam"), most=MOST))
    item(changes.payment(payment(amount="40.00"), most=MOST))
    item(changes.refund(refund("1.00", "r1"), most=1))
    with pytest.raises(ConditionFailed):
        item(changes.refund(refund("1.00", "r2"), most=1))
