"""The ledger's rules. Money in (a payment) and money back (a refund) are one pipeline with two
kinds: each is recorded with one conditional write of the trip (scc.store.ledger_changes) that
cannot overpay, cannot take what a patron has paid below zero, and cannot apply twice under one
idempotency key; a refusal is explained from the trip as DynamoDB returned it, without another
read. A void marks a payment, which stays on record."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from scc import activity, clock
from scc.errors import Conflict, Invalid, NotFound
from scc.models import METHOD_LABELS, Event, Payment, Refund
from scc.money import fmt
from scc.payments.forms import MoneyForm
from scc.store import ledger_changes, trips
from scc.store.changes import TripChange
from scc.store.gateway import Store

# A trip's record holds at most 200 payments (~800 bytes each at most, voided with a reason) and
# 50 refunds (~420 bytes), beside its activity (scc.store.trips.ACTIVITY_MAX) and manifest: about
# 310 KB with every field at its longest (ASCII), of DynamoDB's 400 KB item limit (tests/store).
MAX_PAYMENTS = 200
MAX_REFUNDS = 50
Money = Payment | Refund


@dataclass(frozen=True)
class Recorded:
    """Money recorded: the trip after it, the payment or refund, and whether it was a replay
    (its key was recorded already: the original is answered, nothing new is written)."""

    event: Event
    money: Money
    replayed: bool = False


class _Replayed(Exception):
    def __init__(self, event: Event, original: Money) -> None:
        super().__init__("replayed")
        self.event, self.original = event, original


def new_key() -> str:
    """A fresh idempotency key."""
    return secrets.token_hex(16)


def new_money(form: MoneyForm, *, refund: bool, logged_by: str) -> Money:
    """The payment or refund a checked form describes, made now by `logged_by`."""
    key, now = form.key or new_key(), clock.iso(clock.now())
    if refund:
        return Refund(
            refund_id=key, patron_id=form.patron_id, amount=form.amount, method=form.method,
            reason=form.note, timestamp=now, logged_by=logged_by,
        )  # fmt: skip
    return Payment(
        payment_id=key, patron_id=form.patron_id, amount=form.amount, method=form.method,
        notes=form.note, timestamp=now, logged_by=logged_by,
    )  # fmt: skip


def _money_line(amount: Decimal, method: str, name: str, word: str) -> str:
    """The activity's words for money moved: "$40.00 Venmo from dana", "$10.00 Cash to sam"."""
    return f"${fmt(amount)} {METHOD_LABELS.get(method, method)} {word} {name}"


def payment_summary(payment: Payment, name: str) -> str:
    """What the activity says of a payment: "$40.00 Venmo from Dana Lee (deposit)"."""
    summary = _money_line(payment.amount, payment.method, name, "from")
    return f"{summary} ({payment.notes})" if payment.notes else summary


def record(store: Store, event_id: str, money: Money) -> Recorded:
    """Record a payment or a refund once, atomically within its bounds. The activity entry
    keeps the patron's id and shows their name as it is when read."""
    if isinstance(money, Refund):
        summary = _money_line(money.amount, money.method, activity.PATRON, "to")
        summary, kind = f"{summary}: {money.reason}", "refund"
        write = ledger_changes.refund(money, most=MAX_REFUNDS)
    else:
        summary, kind = payment_summary(money, activity.PATRON), "payment"
        write = ledger_changes.payment(money, most=MAX_PAYMENTS)
    entry = activity.entry(money.logged_by, kind, summary, patron_id=money.patron_id)
    change = TripChange(write, (entry,), refused=partial(_refused, money))
    try:
        event = trips.change(store, event_id, change)
    except _Replayed as replay:
        return Recorded(replay.event, replay.original, replayed=True)
    if isinstance(money, Payment) and event.payment_cleared:
        # A second write, only when a payment clears the trip: the stored flag.
        event = trips.mark_cleared(store, event_id) or event
    return Recorded(event, money)


def _refused(money: Money, event: Event) -> Exception:
    """Why the conditional write of this money was refused, from the trip as it was: a replay
    of a key already recorded, else what the patron or the trip could not take."""
    original: Money | None = (
        event.refund(money.refund_id)
        if isinstance(money, Refund)
        else event.payment(money.payment_id)
    )
    if original is not None:
        if (original.patron_id, original.amount, original.method) != (
            money.patron_id,
            money.amount,
            money.method,
        ):
            what = "refund" if isinstance(money, Refund) else "payment"
            return Conflict(
                f"That idempotency key was already used for a different {what}.",
                "idempotency_key",
            )
        return _Replayed(event, original)
    patron = event.patron(money.patron_id)
    if patron is None:
        return Invalid("Choose a patron on this trip's manifest.", "patron_id")
    if isinstance(money, Refund):
        if len(event.refunds) >= MAX_REFUNDS:
            return Invalid(
                f"This trip already has {MAX_REFUNDS} refunds, the most it can hold.", "amount"
            )
        paid = event.paid_by(money.patron_id)
        return Invalid(
            f"That is more than {patron.name} has paid: ${fmt(paid)} after voids and refunds.",
            "amount",
        )
    if event.cancelled:
        return Conflict(
            "This trip is cancelled; it takes no more payments (refund what was paid instead)."
        )
    if len(event.payments) >= MAX_PAYMENTS:
        return Invalid(
            f"This event already has {MAX_PAYMENTS} payments, the most one event can "
            "hold; void nothing more and ask the office to split the event.",
            "amount",
        )
    due = event.due_from(patron.patron_id)
    if due is not None and money.amount > due:
        return Invalid(f"That is more than {patron.name} still owes: ${fmt(due)} is due.", "amount")
    return Invalid(
        f"That is more than is still owed on this event: ${fmt(event.balance_due)} is due.",
        "amount",
    )


def find_payment(event: Event, payment_id: str) -> Payment:
    """The trip's payment with this id; NotFound when there is none."""
    payment = event.payment(payment_id)
    if payment is None:
        raise NotFound(f"There is no payment {payment_id} on this event.")
    return payment


def void_payment(store: Store, event_id: str, payment_id: str, reason: str, by: str) -> Event:
    """Mark a payment voided (who, when, why); it stays in the ledger and the totals drop.
    Refused when money was already refunded against it (net paid would go below zero)."""
    event = trips.get(store, event_id)
    payment = find_payment(event, payment_id)
    if payment.voided:
        raise Conflict("That payment was already voided.")
    name = event.name_of(payment.patron_id)
    summary = _money_line(payment.amount, payment.method, name, "from") + f": {reason}"
    entry = activity.entry(by, "void", summary)
    write = ledger_changes.void(payment, by=by, reason=reason, at=entry.at)

    def refused(now: Event) -> Exception:
        if not find_payment(now, payment_id).voided:
            return Conflict(
                f"{name} has ${fmt(now.paid_by(payment.patron_id))} paid after refunds; voiding "
                f"${fmt(payment.amount)} would take it below zero. Void only what was not "
                "refunded: record the rest as a refund instead."
            )
        return Conflict("That payment was already voided.")

    return trips.change(store, event_id, TripChange(write, (entry,), refused=refused))
