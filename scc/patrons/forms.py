"""The waiver form's rules, as plain functions: raw form values in, a clean Signer or every
field's message out (Invalid.errors). No Flask here; the view passes the values in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from itertools import zip_longest
from typing import Any

from scc import validation
from scc.errors import Invalid
from scc.models import Minor, Signer
from scc.money import fmt, parse_amount
from scc.validation import FieldErrors

MAX_MINORS = 10
ADULT_AGE = 18
EARLIEST_BIRTH = date(1900, 1, 1)
NAME_MAX = 80
AGREED = {"on", "yes", "true", "1"}


def age_on(born: date, day: date) -> int:
    """Whole years between a birth date and a day (a Feb 29 birthday counts from Mar 1)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def birth_date(value: Any, field: str, label: str, today: date) -> date:
    """A real, plausible date of birth: not in the future, not before 1900."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid(f"{label} is required.", field)
    born = validation.day(value, field, label)
    if born > today:
        raise Invalid(f"{label} can't be in the future.", field)
    if born < EARLIEST_BIRTH:
        raise Invalid(f"{label} must be after 1900; please check the year.", field)
    return born


def same_name(a: str, b: str) -> bool:
    """Compare a typed signature with the name, ignoring case and spacing."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def minor_rows(names: list[str], dobs: list[str]) -> list[tuple[str, str]]:
    """Pair the repeated minor_name / minor_dob fields; rows left wholly blank are dropped."""
    rows = zip_longest(names, dobs, fillvalue="")
    return [(n, d) for n, d in rows if n.strip() or d.strip()]


def _minor(
    row: int, name: str, dob: str, trip: date, today: date, errors: FieldErrors
) -> Minor | None:
    """A child the form names (None when a field can't be read): their problems go to `errors`,
    which refuse the whole form."""
    label = f"Child {row}"
    clean = born = None
    with errors.on(f"minor_name_{row}"):
        clean = validation.text(name, f"minor_name_{row}", f"{label}'s name", max_len=NAME_MAX)
    with errors.on(f"minor_dob_{row}"):
        born = birth_date(dob, f"minor_dob_{row}", f"{label}'s date of birth", today)
        if age_on(born, trip) >= ADULT_AGE:
            raise Invalid(
                f"{clean or label} is 18 or older on the trip date and must sign their own waiver."
            )
    return None if clean is None or born is None else Minor(clean, born.isoformat())


def signer(
    form: Mapping[str, Any], minors: list[tuple[str, str]], *, trip: date, today: date
) -> Signer:
    """Check the whole form at once; Invalid carries a message for every field at fault."""
    errors = FieldErrors()
    typed: dict[str, str] = {}

    def text(field: str, label: str) -> None:
        with errors.on(field):
            typed[field] = validation.text(form.get(field), field, label, max_len=NAME_MAX)

    text("full_name", "Your full name")
    with errors.on("email"):
        email = validation.email(form.get("email"), "email", required=True)
    with errors.on("phone"):
        phone = validation.phone(form.get("phone"), "phone")
    with errors.on("date_of_birth"):
        born = birth_date(form.get("date_of_birth"), "date_of_birth", "Your date of birth", today)
        if age_on(born, trip) < ADULT_AGE:
            raise Invalid(
                "You must be 18 or older on the trip date to sign. A parent or guardian signs "
                "for anyone younger, naming them under Children."
            )
    text("emergency_contact_name", "The emergency contact's name")
    with errors.on("emergency_contact_phone"):
        contact = form.get("emergency_contact_phone")
        if contact is None or (isinstance(contact, str) and not contact.strip()):
            raise Invalid("The emergency contact's phone number is required.")
        contact_phone = validation.phone(contact, "emergency_contact_phone", required=True)
    if str(form.get("agree") or "").strip().lower() not in AGREED:
        errors.messages["agree"] = "Please tick the box to agree to the waiver."
    text("signature", "Your signature")
    signature, full_name = typed.get("signature"), typed.get("full_name")
    if signature and full_name and not same_name(signature, full_name):
        errors.messages["signature"] = "Type your full name exactly as you entered it above."
    kids: list[Minor] = []
    if len(minors) > MAX_MINORS:
        errors.messages["minors"] = (
            f"One waiver can name at most {MAX_MINORS} children; sign again for the others."
        )
    else:
        for row, (name, dob) in enumerate(minors, start=1):
            kid = _minor(row, name, dob, trip, today, errors)
            if kid is not None:
                kids.append(kid)
    errors.raise_if_any()
    assert email and born and contact_phone  # noqa: S101 - raise_if_any raised otherwise
    return Signer(
        typed["full_name"],
        email,
        phone,
        born.isoformat(),
        typed["emergency_contact_name"],
        contact_phone,
        tuple(kids),
        " ".join(typed["signature"].split()),
    )


_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def nonce(value: Any) -> str | None:
    """The form's one-time id (guards against double submits), when well formed."""
    return value if isinstance(value, str) and _NONCE.fullmatch(value) else None


CARD_LEAST = Decimal("1.00")  # a part paid by card is at least this (all that is owed may be less)


def card_amount(value: Any, owed: Decimal) -> Decimal:
    """What a patron chose to pay by card: all they owe (nothing typed), or a part of at least
    $1.00; never more than they owe."""
    if owed <= 0:
        raise Invalid("Nothing is due on this link now: there is nothing to pay.", "amount")
    if value is None or (isinstance(value, str) and not value.strip()):
        return owed
    amount = parse_amount(value)
    if amount > owed:
        raise Invalid(f"That is more than you owe: ${fmt(owed)} is due.", "amount")
    if amount < CARD_LEAST and amount != owed:
        raise Invalid(f"Pay at least ${fmt(CARD_LEAST)} by card, or all ${fmt(owed)}.", "amount")
    return amount
