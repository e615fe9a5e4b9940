"""The ledger's rules: a payment is one conditional write that cannot overpay and cannot apply
twice (scc.store.ledger_changes.payment); a refused write is explained from the trip as DynamoDB
returned it, without another read."""

from __future__ import annotations

import contextlib
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scc import activity, clock
from scc.errors import Conflict, Invalid, NotFound
from scc.models import METHOD_LABELS, METHODS, Event, Patron, Payment, Refund
from scc.money import fmt
from scc.store import ConditionFailed, Store
from scc.store import ledger_changes as changes
from scc.store.items import event_from_item, event_key

# A trip's record holds at most 200 payments (~800 bytes each at most, voided with a reason) and
# 50 refunds (~420 bytes), beside its activity (scc.store.ACTIVITY_MAX) and manifest: about
# 310 KB with every field at its longest (ASCII), of DynamoDB's 400 KB item limit (tests/store).
MAX_PAYMENTS = 200
MAX_REFUNDS = 50
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


@dataclass(frozen=True)
class Logged:
    """A logged payment: the trip after it, the payment, and whether it was a replay."""

    event: Event
    payment: Payment
    replayed: bool = False


def new_key() -> str:
    """A fresh idempotency key."""
    return secrets.token_hex(16)


def check_key(value: Any, field: str = "idempotency_key") -> str:
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise Invalid("The idempotency key must be 8-64 letters, digits, - or _.", field)
    return value


def check_method(value: Any) -> str:
    method = value.strip().lower() if isinstance(value, str) else ""
    if method not in METHODS:
        raise Invalid("Choose how they paid: cash, Venmo, Zelle, card, check or other.", "method")
    return method


def new_payment(
    *,
    patron_id: str,
    amount: Decimal,
    method: str,
    notes: str,
    logged_by: str,
    payment_id: str | None = None,
) -> Payment:
    return Payment(
        payment_id=payment_id or new_key(),
        patron_id=patron_id,
        amount=amount,
        method=method,
        timestamp=clock.iso(clock.now()),
        logged_by=logged_by,
        notes=notes,
    )


def _money_line(amount: Decimal, method: str, name: str, word: str) -> str:
    """The activity's words for money moved: "$40.00 Venmo from dana", "$10.00 Cash to sam"."""
    return f"${fmt(amount)} {METHOD_LABELS.get(method, method)} {word} {name}"


def payment_summary(payment: Payment, name: str) -> str:
    """What the activity says of a payment: "$40.00 Venmo from Dana Lee (deposit)"."""
    summary = _money_line(payment.amount, payment.method, name, "from")
    return f"{summary} ({payment.notes})" if payment.notes else summary


def log_payment(store: Store, event_id: str, payment: Payment) -> Logged:
    """Record a payment once; refuse overpaying the trip or the patron's share, atomically.
    The activity entry keeps the patron's id and shows their name as it is when read."""
    summary = payment_summary(payment, activity.PATRON)
    entry = activity.entry(payment.logged_by, "payment", summary, patron_id=payment.patron_id)
    try:
        event = store.update_event(event_id, changes.payment(payment, most=MAX_PAYMENTS), [entry])
    except ConditionFailed as failed:
        return _explain_refusal(payment, failed.event)
    if event.payment_cleared:
        # A second write, only when a payment clears the trip: the stored flag for other readers
        # (not a change of its own: no version, no entry). If a void came in between, the trip
        # is no longer paid up and the stored flag rightly stays false.
        with contextlib.suppress(ConditionFailed):
            event = event_from_item(store.update(event_key(event_id), changes.cleared()))
    return Logged(event, payment)


def _same_money(original: Payment | Refund, sent: Payment | Refund, what: str) -> None:
    """A retry under a key already recorded answers the original; the key reused for different
    money is a Conflict."""
    if (original.patron_id, original.amount, original.method) != (
        sent.patron_id,
        sent.amount,
        sent.method,
    ):
        raise Conflict(
            f"That idempotency key was already used for a different {what}.", "idempotency_key"
        )


def _on_manifest(event: Event, patron_id: str) -> Patron:
    """The patron a payment or refund names; Invalid when they are not on the manifest."""
    patron = event.patron(patron_id)
    if patron is None:
        raise Invalid("Choose a patron on this trip's manifest.", "patron_id")
    return patron


def _explain_refusal(payment: Payment, event: Event | None) -> Logged:
    """Say why the conditional write was refused, from the trip as it was."""
    assert event is not None  # noqa: S101 - the store answers NotFound / Moved itself
    original = event.payment(payment.payment_id)
    if original is not None:
        _same_money(original, payment, "payment")
        return Logged(event, original, replayed=True)
    patron = _on_manifest(event, payment.patron_id)
    if event.cancelled:
        raise Conflict(
            "This trip is cancelled; it takes no more payments (refund what was paid instead)."
        )
    if len(event.payments) >= MAX_PAYMENTS:
        raise Invalid(
            f"This event already has {MAX_PAYMENTS} payments, the most one event can "
            "hold; void nothing more and ask the office to split the event.",
            "amount",
        )
    due = event.due_from(patron.patron_id)
    if due is not None and payment.amount > due:
        raise Invalid(f"That is more than {patron.name} still owes: ${fmt(due)} is due.", "amount")
    raise Invalid(
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
    event = store.get_event(event_id)
    payment = find_payment(event, payment_id)
    if payment.voided:
        raise Conflict("That payment was already voided.")
    name = event.name_of(payment.patron_id)
    summary = _money_line(payment.amount, payment.method, name, "from") + f": {reason}"
    entry = activity.entry(by, "void", summary)
    change = changes.void(payment, by=by, reason=reason, at=entry.at)
    try:
        return store.update_event(event_id, change, [entry])
    except ConditionFailed as failed:
        now = failed.event
        if now is not None and not now.payment(payment_id).voided:  # type: ignore[union-attr]
            raise Conflict(
                f"{name} has ${fmt(now.paid_by(payment.patron_id))} paid after refunds; voiding "
                f"${fmt(payment.amount)} would take it below zero. Void only what was not "
                "refunded: record the rest as a refund instead."
            ) from None
        raise Conflict("That payment was already voided.") from None


def new_refund(
    *, patron_id: str, amount: Decimal, method: str, reason: str, logged_by: str, key: str | None
) -> Refund:
    return Refund(
        refund_id=key or new_key(),
        patron_id=patron_id,
        amount=amount,
        method=method,
        reason=reason,
        timestamp=clock.iso(clock.now()),
        logged_by=logged_by,
    )


@dataclass(frozen=True)
class Refunded:
    event: Event
    refund: Refund
    replayed: bool = False


def refund(store: Store, event_id: str, back: Refund) -> Refunded:
    """Give money back once: one conditional write bounded by what the patron has paid, net of
    voids and earlier refunds; a repeated key answers with the first refund."""
    summary = _money_line(back.amount, back.method, activity.PATRON, "to") + f": {back.reason}"
    entry = activity.entry(back.logged_by, "refund", summary, patron_id=back.patron_id)
    try:
        event = store.update_event(event_id, changes.refund(back, most=MAX_REFUNDS), [entry])
    except ConditionFailed as failed:
        return _explain_refund(back, failed.event)
    return Refunded(event, back)


def _explain_refund(back: Refund, event: Event | None) -> Refunded:
    """Say why the conditional refund was refused, from the trip as it was."""
    assert event is not None  # noqa: S101 - the store answers NotFound / Moved itself
    original = event.refund(back.refund_id)
    if original is not None:
        _same_money(original, back, "refund")
        return Refunded(event, original, replayed=True)
    patron = _on_manifest(event, back.patron_id)
    if len(event.refunds) >= MAX_REFUNDS:
        raise Invalid(
            f"This trip already has {MAX_REFUNDS} refunds, the most it can hold.", "amount"
        )
    paid = event.paid_by(back.patron_id)
    raise Invalid(
        f"That is more than {patron.name} has paid: ${fmt(paid)} after voids and refunds.",
        "amount",
    )
