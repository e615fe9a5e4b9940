"""A Hypothesis state machine over the ledger: pay, retry, void, refund, change the total.

Invariants after every step: 0 <= paid <= total, paid equals the sum of non-voided payments less
refunds, each patron's net paid stays between zero and their share, and every change left one
activity entry."""

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
from scc.payments.forms import MoneyForm
from scc.store import Store, trips
from scc.trips import forms, manifest

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("120.00"), places=2)
PATRONS = st.sampled_from(["dana", "sam"])
_ids = itertools.count()


def run_machine(store: Store) -> None:
    class Ledger(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.event_id = f"2030-01-01-trip{next(_ids)}"
            trips.create(
                store,
                Event(
                    event_id=self.event_id,
                    date="2030-01-01",
                    title="t",
                    total=Decimal("200.00"),
                    patrons=[
                        Patron(patron_id="dana", name="Dana", amount_due=Decimal("80.00")),
                        Patron(patron_id="sam", name="Sam"),
                    ],
                ),
            )
            self.keys: list[str] = []

        @rule(patron=PATRONS, amount=AMOUNTS)
        def pay(self, patron: str, amount: Decimal) -> None:
            form = MoneyForm(patron, amount, "cash", None, "")
            payment = ledger.new_money(form, refund=False, logged_by="cory")
            try:
                ledger.record(store, self.event_id, payment)
                self.keys.append(payment.payment_id)
            except Invalid:
                pass

        @precondition(lambda self: self.keys)
        @rule(data=st.data())
        def retry(self, data: st.DataObject) -> None:
            key = data.draw(st.sampled_from(self.keys))
            original = next(
                p for p in trips.get(store, self.event_id).payments if p.payment_id == key
            )
            again = replace(original, timestamp="2030-01-01T00:00:00Z")
            before = trips.get(store, self.event_id).paid_total
            assert ledger.record(store, self.event_id, again).replayed
            assert trips.get(store, self.event_id).paid_total == before

        @precondition(lambda self: self.keys)
        @rule(data=st.data())
        def void(self, data: st.DataObject) -> None:
            key = data.draw(st.sampled_from(self.keys))
            with contextlib.suppress(Conflict):
                ledger.void_payment(store, self.event_id, key, "test", "cory")

        @rule(patron=PATRONS, amount=AMOUNTS)
        def refund(self, patron: str, amount: Decimal) -> None:
            form = MoneyForm(patron, amount, "cash", None, "r")
            back = ledger.new_money(form, refund=True, logged_by="jo")
            paid = trips.get(store, self.event_id).paid_by(patron)
            try:
                ledger.record(store, self.event_id, back)
                assert amount <= paid
            except Invalid:
                assert amount > paid

        @rule(total=st.decimals(min_value=Decimal("0"), max_value=Decimal("400"), places=2))
        def change_total(self, total: Decimal) -> None:
            with contextlib.suppress(Invalid):
                edit = forms.trip_edit({"total": f"{total:.2f}"})
                manifest.edit(store, self.event_id, edit, "maya")

        @invariant()
        def books_balance(self) -> None:
            event = trips.get(store, self.event_id)
            live = [p for p in event.payments if not p.voided]
            back = sum((r.amount for r in event.refunds), Decimal("0.00"))
            assert Decimal("0") <= event.paid_total <= event.total
            assert event.paid_total == sum((p.amount for p in live), Decimal("0.00")) - back
            # the board derives the paid total from this map (scc.store.board.card)
            assert event.paid_total == sum(event.patron_paid.values(), Decimal("0.00"))
            assert event.paid_by("dana") <= Decimal("80.00")
            for pid in ("dana", "sam"):
                paid = sum((p.amount for p in live if p.patron_id == pid), Decimal("0.00"))
                refunded = sum((r.amount for r in event.refunds_of(pid)), Decimal("0.00"))
                assert Decimal("0") <= event.paid_by(pid) == paid - refunded
            # one entry per change: created, each payment, void, refund and edit
            voids = len(event.payments) - len(live)
            changes = len(event.payments) + voids + len(event.refunds)
            edits = sum(1 for e in event.activity if e.action == "edited")
            assert len(event.activity) == 1 + changes + edits

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
