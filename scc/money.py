"""Money as Decimal: parse what people type, format what they read. Never float."""

from __future__ import annotations

import re
from decimal import Decimal

from scc.errors import Invalid

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Plain digits with at most two decimals: no sign, exponent, separators, NaN or Infinity.
_AMOUNT = re.compile(r"\d{1,9}(\.\d{1,2})?|\.\d{1,2}")
MAX_AMOUNT = Decimal("1000000.00")


def parse_amount(value: object, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """Turn a typed amount ("125", "125.5", "125.50") into a Decimal quantized to cents."""
    if isinstance(value, float):
        # A JSON float has already lost its exact value; ask for a string.
        raise Invalid(
            'Send the amount as a string with at most two decimals, e.g. "125.00".', field
        )
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        text = str(value)  # a JSON number is read as a Decimal (scc.web.forms)
    else:
        text = value.strip().removeprefix("$") if isinstance(value, str) else ""
    if not text:
        raise Invalid("Enter an amount such as 125.00.", field)
    if len(text) > 20 or not _AMOUNT.fullmatch(text):
        raise Invalid(
            "Enter the amount as plain digits with at most two decimals, e.g. 125.00 "
            "(no commas, signs or exponents).",
            field,
        )
    amount = Decimal(text).quantize(CENT)  # the pattern admits only valid decimals
    if amount <= 0 and not (allow_zero and amount == 0):
        raise Invalid("The amount must be more than 0.00.", field)
    if amount > MAX_AMOUNT:
        raise Invalid("That amount is too large; the most is 1000000.00.", field)
    return amount


def to_cents(value: Decimal | int) -> Decimal:
    """Quantize a stored number to cents."""
    return Decimal(value).quantize(CENT)


def fmt(value: Decimal | int | None) -> str:
    """Format money for JSON and pages: "125.00"."""
    return f"{to_cents(value or 0):.2f}"
