"""The payment ledger: each payment is one conditional UpdateItem that cannot overpay, cannot apply
twice, and answers from ReturnValues without another read."""

from __future__ import annotations

import contextlib
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scc import clock
from scc.errors import Conflict, Invalid, NotFound
from scc.models import Event, Payment, event_from_item, payment_to_map
from scc.money import fmt
from scc.store import (
    NEW_VERSION,
    VERSION_NAMES,
    ConditionFailed,
    Store,
    event_key,
    new_version_values,
    serialize,
    to_event,
)

METHOD_LABELS = {
    "cash": "Cash",
    "venmo": "Venmo",
    "zelle": "Zelle",
    "card": "Card",
    "check": "Check",
    "other": "Other",
}
METHODS = tuple(METHOD_LABELS)
# 300 payments of at most ~450 bytes keep the event record far below DynamoDB's 400 KB item limit.
MAX_PAYMENTS = 300
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


@dataclass(frozen=True)
class Logged:
    """A logged payment: the event after it, the payment, and whether it was a replay."""

    event: Event
    payment: Payment
    replayed: bool = False


def new_key() -> str:
    """A fresh idempotency key: 32 random hex digits (what uuid4().hex gave, made faster)."""
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


def _names(patron_id: str, payment_id: str) -> dict[str, str]:
    """The attribute names both ledger writes use; the patron and payment ids are map keys."""
    return {
        "#pay": "payments",
        "#pp": "patron_paid",
        "#pd": "patron_due",
        "#amt": "payment_amount",
        "#bal": "balance_due",
        **VERSION_NAMES,
        "#p": patron_id,
        "#k": payment_id,
    }


def log_payment(store: Store, event_id: str, payment: Payment) -> Logged:
    """Record a payment once; refuse overpaying the event or the patron's share, atomically."""
    values = {
        ":rec": payment_to_map(payment),
        ":pid": payment.patron_id,
        ":a": payment.amount,
        ":now": payment.timestamp,
        ":by": payment.logged_by,
        ":most": MAX_PAYMENTS,
        **new_version_values(),
    }
    try:
        result = store.call(
            "update_item",
            TableName=store.table,
            Key=event_key(event_id),
            UpdateExpression=(
                "SET #pay.#p.#k = :rec, #idx.#k = :pid, #pp.#p = #pp.#p + :a, "
                "#pd.#p = #pd.#p - :a, #amt = #amt + :a, #bal = #bal - :a, "
                f"#ts = :now, #by = :by, {NEW_VERSION}"
            ),
            ConditionExpression=(
                "attribute_exists(eid) AND attribute_not_exists(#idx.#k) "
                "AND attribute_exists(#pay.#p) AND #pd.#p >= :a AND #bal >= :a "
                "AND size(#idx) < :most"
            ),
            ExpressionAttributeNames={
                **_names(payment.patron_id, payment.payment_id),
                "#idx": "payment_index",
                "#ts": "payment_timestamp",
                "#by": "payment_logged_by",
            },
            ExpressionAttributeValues=serialize(values),
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ConditionFailed as failed:
        return _explain_refusal(event_id, payment, failed.item)
    event = to_event(result["Attributes"])
    if event.payment_cleared:
        _mark_cleared(store, event_id)
    return Logged(event, payment)


def _mark_cleared(store: Store, event_id: str) -> None:
    """Second write, only when a payment clears the event: keep the stored flag true."""
    # If a void came in between, the event is no longer cleared and the flag rightly stays false.
    with contextlib.suppress(ConditionFailed):
        store.call(
            "update_item",
            TableName=store.table,
            Key=event_key(event_id),
            UpdateExpression="SET payment_cleared = :t",
            ConditionExpression="balance_due = :zero",
            ExpressionAttributeValues=serialize({":t": True, ":zero": Decimal("0")}),
        )


def _explain_refusal(event_id: str, payment: Payment, item: dict[str, Any] | None) -> Logged:
    """Say why the conditional write was refused, from the item DynamoDB returned (no re-read)."""
    if item is None:
        raise NotFound(f"There is no event {event_id}.")
    event = event_from_item(item)
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
    """The event's payment with this id; NotFound when there is none."""
    payment = event.payment(payment_id)
    if payment is None:
        raise NotFound(f"There is no payment {payment_id} on this event.")
    return payment


def void_payment(store: Store, event_id: str, payment_id: str, reason: str, by: str) -> Event:
    """Mark a payment voided (who, when, why); it stays in the ledger and the totals drop."""
    event = store.get_event(event_id)
    payment = find_payment(event, payment_id)
    if payment.voided:
        raise Conflict("That payment was already voided.")
    values = {
        ":a": payment.amount,
        ":t": True,
        ":f": False,
        ":by": by,
        ":why": reason,
        ":now": clock.iso(clock.now()),
        **new_version_values(),
    }
    try:
        result = store.call(
            "update_item",
            TableName=store.table,
            Key=event_key(event_id),
            UpdateExpression=(
                "SET #pay.#p.#k.voided = :t, #pay.#p.#k.voided_by = :by, "
                "#pay.#p.#k.voided_at = :now, #pay.#p.#k.void_reason = :why, "
                "#pp.#p = #pp.#p - :a, #pd.#p = #pd.#p + :a, #amt = #amt - :a, "
                f"#bal = #bal + :a, payment_cleared = :f, {NEW_VERSION}"
            ),
            ConditionExpression="#pay.#p.#k.voided = :f",
            ExpressionAttributeNames=_names(payment.patron_id, payment_id),
            ExpressionAttributeValues=serialize(values),
            ReturnValues="ALL_NEW",
        )
    except ConditionFailed:
        raise Conflict("That payment was already voided.") from None
    return to_event(result["Attributes"])


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
