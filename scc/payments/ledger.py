"""The ledger's rules: a payment is one conditional write that cannot overpay and cannot apply
twice (scc.store.changes.payment); a refused write is explained from the trip as DynamoDB
returned it, without another read."""

from __future__ import annotations

import contextlib
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scc import clock
from scc.errors import Conflict, Invalid, NotFound
from scc.models import METHODS, Event, Payment
from scc.money import fmt
from scc.store import ConditionFailed, Store, changes

# 300 payments of at most ~450 bytes keep a trip's record far below DynamoDB's 400 KB item limit.
MAX_PAYMENTS = 300
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


def log_payment(store: Store, event_id: str, payment: Payment) -> Logged:
    """Record a payment once; refuse overpaying the trip or the patron's share, atomically."""
    try:
        event = store.update_event(event_id, changes.payment(payment, most=MAX_PAYMENTS))
    except ConditionFailed as failed:
        return _explain_refusal(event_id, payment, failed.event)
    if event.payment_cleared:
        # A second write, only when a payment clears the trip. If a void came in between, the
        # trip is no longer paid up and the stored flag rightly stays false.
        with contextlib.suppress(ConditionFailed):
            event = store.update_event(event_id, changes.cleared())
    return Logged(event, payment)


def _explain_refusal(event_id: str, payment: Payment, event: Event | None) -> Logged:
    """Say why the conditional write was refused, from the trip as it was."""
    if event is None:
        raise NotFound(f"There is no event {event_id}.")
    original = event.payment(payment.payment_id)
    if original is not None:
        same = (original.patron_id, original.amount, original.method) == (
            payment.patron_id,
            payment.amount,
            payment.method,
        )
        if not same:
            raise Conflict(
                "That idempotency key was already used for a different payment.", "idempotency_key"
            )
        return Logged(event, original, replayed=True)
    patron = event.patron(payment.patron_id)
    if patron is None:
        raise Invalid("Choose a patron on this trip's manifest.", "patron_id")
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
    """Mark a payment voided (who, when, why); it stays in the ledger and the totals drop."""
    payment = find_payment(store.get_event(event_id), payment_id)
    if payment.voided:
        raise Conflict("That payment was already voided.")
    try:
        return store.update_event(
            event_id, changes.void(payment, by=by, reason=reason, at=clock.iso(clock.now()))
        )
    except ConditionFailed:
        raise Conflict("That payment was already voided.") from None
