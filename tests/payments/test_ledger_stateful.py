"""A Hypothesis state machine over the ledger: pay, retry, void, change the total.

Invariants after every step: 0 <= paid <= total, paid equals the sum of non-voided payments,
and each patron's paid stays within their share."""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from scc.errors import Conflict, Invalid
from scc.models import Event, Patron
from scc.payments import ledger
from scc.store import Store
from scc.trips.rules import apply_changes

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("120.00"), places=2)
PATRONS = st.sampled_from(["dana", "sam"])
_ids = itertools.count()


def run_machine(store: Store) -> None:
    class Ledger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.event_id = f"2030-01-01-trip{next(_ids)}"
            store.create_event(
                Event(
                    event_id=self.event_id,
                    date="2030-01-01",
                    title="t",
                    total=Decimal("200.00"),
                    patrons=[
                        Patron(patron_id="dana", name="Dana", amount_due=Decimal("80.00")),
                        Patron(patron_id="sam", name="Sam"),
                    ],
                )
            )
            self.keys: list[str] = []

        @rule(patron=PATRONS, amount=AMOUNTS)
        def pay(self, patron: str, amount: Decimal) -> None:
            payment = ledger.new_payment(
                patron_id=patron, amount=amount, method="cash", notes="", logged_by="cory"
            )
            try:
                ledger.log_payment(store, self.event_id, payment)
                self.keys.append(payment.payment_id)
            except Invalid:
                pass

        @precondition(lambda self: self.keys)
        @rule(data=st.data())
        def retry(self, data: st.DataObject) -> None:
            key = data.draw(st.sampled_from(self.keys))
            original = next(
                p for p in store.get_event(self.event_id).payments if p.payment_id == key
            )
            again = replace(original, timestamp="2030-01-01T00:00:00Z")
            before = store.get_event(self.event_id).paid_total
            assert ledger.log_payment(store, self.event_id, again).replayed
            assert store.get_event(self.event_id).paid_total == before

        @precondition(lambda self: self.keys)
        @rule(data=st.data())
        def void(self, data: st.DataObject) -> None:
            key = data.draw(st.sampled_from(self.keys))
            with contextlib.suppress(Conflict):
                ledger.void_payment(store, self.event_id, key, "test", "cory")

        @rule(total=st.decimals(min_value=Decimal("0"), max_value=Decimal("400"), places=2))
        def change_total(self, total: Decimal) -> None:
            event = store.get_event(self.event_id)
            with contextlib.suppress(Invalid):
                store.replace_event(event, apply_changes(event, {"total": f"{total:.2f}"}))

        @invariant()
        def books_balance(self) -> None:
            event = store.get_event(self.event_id)
            live = [p for p in event.payments if not p.voided]
            assert Decimal("0") <= event.paid_total <= event.total
            assert event.paid_total == sum((p.amount for p in live), Decimal("0.00"))
            assert event.paid_by("dana") <= Decimal("80.00")
            for pid in ("dana", "sam"):
                assert event.paid_by(pid) == sum(
                    (p.amount for p in live if p.patron_id == pid), Decimal("0.00")
                )

    Ledger.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    Ledger.TestCase().runTest()


@pytest.mark.usefixtures("app")
def test_ledger_invariants_hold(store: Store) -> None:
    run_machine(store)
