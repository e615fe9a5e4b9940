"""Plain validation functions: each takes raw input and returns clean values or raises Invalid."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from scc import eventids
from scc.errors import Invalid
from scc.models import TRIP_ROLES, CrewMember, Patron
from scc.money import parse_amount

# Control characters (C0 but tab and newlines, DEL, C1), the Unicode line and paragraph
# separators (mail headers break on them) and lone surrogates (not text at all).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CREW_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
_PATRON_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_EMAIL = re.compile(r"[^@\s<>]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_PHONE = re.compile(r"\+?[0-9 ().-]{7,25}")
MAX_PATRONS = 60
MAX_CREW = 20


class FieldErrors:
    """Collect one message per field, so a form shows every problem at once:

    errors = FieldErrors()
    with errors.on("date"):
        day = validation.day(data.get("date"))
    ...
    errors.raise_if_any()  # Invalid with every message; past it, every value above is set
    """

    def __init__(self) -> None:
        self.messages: dict[str, str] = {}

    @contextlib.contextmanager
    def on(self, field: str) -> Iterator[None]:
        """Check one field: an Invalid raised inside is kept (under its own field, else this
        one), not raised."""
        try:
            yield
        except Invalid as exc:
            for name, message in (exc.errors or {exc.field or field: exc.message}).items():
                self.messages.setdefault(name, message)

    def raise_if_any(self) -> None:
        if self.messages:
            field, message = next(iter(self.messages.items()))
            raise Invalid(message, field, errors=dict(self.messages))


def text(
    value: Any,
    field: str,
    label: str,
    *,
    max_len: int = 120,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """A line of plain text: trimmed, bounded, no markup or control characters."""
    if value is None or value == "":
        if required:
            raise Invalid(f"{label} is required.", field)
        return ""
    if not isinstance(value, str):
        raise Invalid(f"{label} must be text.", field)
    value = value.strip()
    if required and not value:
        raise Invalid(f"{label} is required.", field)
    if len(value) > max_len:
        raise Invalid(f"{label} is too long (at most {max_len} characters).", field)
    if "<" in value or ">" in value:
        raise Invalid(f"{label} can't contain < or >.", field)
    check = value.replace("\n", "").replace("\r", "").replace("\t", "") if multiline else value
    if _CONTROL.search(check) or (not multiline and ("\n" in value or "\r" in value)):
        raise Invalid(f"{label} has characters that can't be stored.", field)
    return str(value)


def day(value: Any, field: str = "date", label: str = "The date") -> date:
    """A calendar date written YYYY-MM-DD."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise Invalid(f"{label} must be written YYYY-MM-DD, e.g. 2026-05-23.", field)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"{label} is not a real calendar date.", field) from None


def email(value: Any, field: str = "email", *, required: bool = False) -> str | None:
    raw = text(value, field, "The email address", max_len=254, required=required)
    if not raw:
        return None
    if not _EMAIL.fullmatch(raw):
        raise Invalid("That email address does not look right (name@example.com).", field)
    return raw


def phone(value: Any, field: str = "phone", *, required: bool = False) -> str | None:
    raw = text(value, field, "The phone number", max_len=25, required=required)
    if not raw:
        return None
    if not _PHONE.fullmatch(raw) or sum(ch.isdigit() for ch in raw) < 7:
        raise Invalid("That phone number does not look right (e.g. 619-555-0134).", field)
    return raw


def crew_id(value: Any, field: str = "crew_id") -> str:
    if not isinstance(value, str) or not _CREW_ID.fullmatch(value.strip().lower()):
        raise Invalid(
            "A crew id is 1-40 lower-case letters, digits, dots, dashes or underscores, e.g. cory.",
            field,
        )
    return value.strip().lower()


def is_patron_id(value: Any) -> bool:
    return isinstance(value, str) and _PATRON_ID.fullmatch(value) is not None


def _list(value: Any, field: str, label: str, most: int) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid(f"{label} must be a list.", field)
    if len(value) > most:
        raise Invalid(f"{label} can have at most {most} entries.", field)
    return value


def patron(
    entry: Any,
    n: int = 1,
    taken: set[str] | None = None,
    kept: frozenset[str] = frozenset(),
) -> Patron:
    """One manifest entry: a name, and an id made from it when none is given (unique among
    `taken`, which it joins, and `kept`: the ids of removed patrons whose payments stay on
    record). Each error names the attribute it is about."""
    taken = set() if taken is None else taken
    if not isinstance(entry, dict):
        raise Invalid(f"Patron {n} must be an object with a name.", None)
    name = text(entry.get("name"), "name", "The name", max_len=80)
    given = entry.get("patron_id")
    pid = given or eventids.slug(name)[:40] or f"patron-{n}"
    if not isinstance(pid, str) or not _PATRON_ID.fullmatch(pid):
        raise Invalid(
            f"Patron {n}'s id must be lower-case letters, digits, - or _ (e.g. dana-lee).",
            "patron_id",
        )
    if given and pid in kept:
        raise Invalid(
            f"Patron id {pid} has payments on record from a patron taken off this trip; "
            "choose another id (or leave it out and one is made from the name).",
            "patron_id",
        )
    if given and pid in taken:
        raise Invalid(f"Patron id {pid} is already on the manifest.", "patron_id")
    base, k = pid, 2
    while pid in taken or pid in kept:  # a made id: number it until it is free
        pid, k = f"{base[:36]}-{k}", k + 1
    taken.add(pid)
    due = entry.get("amount_due")
    return Patron(
        patron_id=pid,
        name=name,
        email=email(entry.get("email"), "email"),
        phone=phone(entry.get("phone"), "phone"),
        amount_due=None
        if due in (None, "")
        else parse_amount(due, field="amount_due", allow_zero=True),
    )


def patrons(value: Any, field: str = "patrons", kept: frozenset[str] = frozenset()) -> list[Patron]:
    """The manifest: at least one patron, unique ids (made from names when not given), none of
    them `kept` (removed patrons' ids, their payments still on record)."""
    entries = _list(value, field, "The patron list", MAX_PATRONS)
    if not entries:
        raise Invalid("Add at least one patron to the manifest.", field)
    seen: set[str] = set()
    result = []
    for n, entry in enumerate(entries, start=1):
        try:
            result.append(patron(entry, n, seen, kept))
        except Invalid as exc:  # say which patron, and mark the row and field: "patrons.2.email"
            message = exc.message
            if not message.startswith("Patron"):
                message = f"Patron {n}: {message}"
            row = f"{field}.{n}"
            errors = {field: message, row: message, f"{row}.{exc.field}": message}
            raise Invalid(message, field, errors=errors) from None
    return result


def role(value: Any, field: str = "role") -> str:
    """captain, mate or deckhand (a deckhand when not given)."""
    chosen = value.strip().lower() if isinstance(value, str) and value.strip() else "deckhand"
    if chosen not in TRIP_ROLES:
        raise Invalid("The role must be captain, mate or deckhand.", field)
    return chosen


def crew(value: Any, field: str = "crew") -> list[CrewMember]:
    entries = _list(value, field, "The crew list", MAX_CREW)
    result: list[CrewMember] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise Invalid(f"Crew member {n} must be an object with crew_id and role.", field)
        cid = crew_id(entry.get("crew_id"), field)
        if cid in seen:
            raise Invalid(f"Crew id {cid} appears twice.", field)
        seen.add(cid)
        result.append(CrewMember(crew_id=cid, role=role(entry.get("role"), field)))
    captains = [c.crew_id for c in result if c.role == "captain"]
    if len(captains) > 1:
        raise Invalid(
            f"One captain per trip: {' and '.join(captains)} are both captains; make one a mate.",
            field,
        )
    return result


def total(value: Any, shares: list[Patron], field: str = "total") -> Decimal:
    """The event's total: given, or the sum of the patrons' shares; never below those shares."""
    known = sum((p.amount_due for p in shares if p.amount_due is not None), Decimal("0.00"))
    if value in (None, ""):
        return known
    amount = parse_amount(value, field=field, allow_zero=True)
    if known > amount:
        raise Invalid(
            f"The patrons' shares add up to {known:.2f}, more than the total {amount:.2f}.", field
        )
    return amount
