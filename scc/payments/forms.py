"""What a Log Payment or Refund form says, checked as one value (every field's problem at once):
the patron, the amount, how the money moved, the idempotency key, and the note or reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scc import validation
from scc.errors import Invalid
from scc.models import METHODS
from scc.money import parse_amount

_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
LOWER = "lower_due is true (the refund lowers what they owe too) or false (they owe it again)."


@dataclass(frozen=True)
class MoneyForm:
    """Money in (a payment: `note` is its optional notes) or back (a refund: `note` is its
    required reason). `key` is the idempotency key (None: make one)."""

    patron_id: str
    amount: Decimal
    method: str
    key: str | None
    note: str
    lower_due: bool = True  # a refund's: lower what they owe by it too (scc.payments.ledger)


def money_form(data: dict[str, Any], *, refund: bool, header_key: str | None) -> MoneyForm:
    """A payment's or a refund's body, checked."""
    errors = validation.FieldErrors()
    with errors.on("patron_id"):
        patron_id = data.get("patron_id")
        if not isinstance(patron_id, str) or not patron_id.strip():
            who = "to refund" if refund else "who paid"
            raise Invalid(f"Choose the patron {who}.", "patron_id")
    with errors.on("amount"):
        amount = parse_amount(data.get("amount"))
    with errors.on("method"):
        method = data["method"].strip().lower() if isinstance(data.get("method"), str) else ""
        if method not in METHODS:
            raise Invalid("Choose how they paid: cash, Venmo, Zelle, card, check or other.")
    with errors.on("idempotency_key"):
        # the Idempotency-Key header, else the field; none sent: None (the ledger makes one)
        key = header_key or data.get("idempotency_key")
        if key in (None, ""):
            key = None
        elif not isinstance(key, str) or not _KEY.fullmatch(key):
            raise Invalid("The idempotency key must be 8-64 letters, digits, - or _.")
    with errors.on("reason" if refund else "notes"):
        if refund:
            note = validation.text(data.get("reason"), "reason", "The reason", max_len=200)
        else:
            note = validation.text(
                data.get("notes"), "notes", "The note", max_len=280, required=False, multiline=True
            )
    with errors.on("lower_due"):
        # true or false, as JSON or the dialog's checkbox sends it
        lower_due = refund and validation.yes_no(data.get("lower_due", True), "lower_due", LOWER)
    errors.raise_if_any()
    return MoneyForm(patron_id.strip(), amount, method, key, note, lower_due)
