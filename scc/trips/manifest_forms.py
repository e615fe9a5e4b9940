"""Manifest and crew bodies as values: a patron's line (as typed in a trip's patron rows, or
added from the card), a patron's changed fields, the crew list, an assignment. Checked whole
before any rule runs; a patron's id is placed on the trip by scc.trips.rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scc import validation
from scc.errors import Invalid
from scc.models import TRIP_ROLES, CrewMember
from scc.money import parse_amount

MAX_PATRONS = 60
MAX_CREW = 20
PATRON_FIELDS = ("name", "email", "phone", "amount_due", "party")
MAX_PARTY = 50


def _name(value: Any) -> str:
    return validation.text(value, "name", "The name", max_len=80)


def _share(value: Any) -> Decimal | None:
    return None if value in (None, "") else parse_amount(value, field="amount_due", allow_zero=True)


def party(value: Any) -> int:
    """How many people a booking covers (none given: one)."""
    if value in (None, ""):
        return 1
    return validation.whole(value, "party", "The party size", 1, MAX_PARTY)


# Each patron field's check, in the order a form reports them.
CHECKS: dict[str, Callable[[Any], Any]] = {
    "name": _name,
    "email": validation.email,
    "phone": validation.phone,
    "amount_due": _share,
    "party": party,
}


def _given_id(entry: Mapping[str, Any], n: int) -> str | None:
    given = entry.get("patron_id") or None
    if given is not None and not validation.is_patron_id(given):
        raise Invalid(
            f"Patron {n}'s id must be lower-case letters, digits, - or _ (e.g. dana-lee).",
            "patron_id",
        )
    return given


@dataclass(frozen=True)
class PatronLine:
    """One manifest line as typed: its id when given (else the trip's rules make one from the
    name), name, contact and share."""

    patron_id: str | None
    name: str
    email: str | None
    phone: str | None
    amount_due: Decimal | None
    party: int = 1


def patron_line(entry: Any, n: int = 1) -> PatronLine:
    """One manifest entry. Each error names the attribute it is about."""
    if not isinstance(entry, dict):
        raise Invalid(f"Patron {n} must be an object with a name.", None)
    name = _name(entry.get("name"))
    given = _given_id(entry, n)
    return PatronLine(given, name, **{k: CHECKS[k](entry.get(k)) for k in PATRON_FIELDS[1:]})


def in_row(exc: Invalid, n: int, field: str = "patrons") -> Invalid:
    """A patron's problem, said of the list and marked on its row and field: patrons.2.email."""
    message = exc.message if exc.message.startswith("Patron") else f"Patron {n}: {exc.message}"
    row = f"{field}.{n}"
    errors = {field: message, row: message, f"{row}.{exc.field}": message}
    return Invalid(message, field, errors=errors)


def _list(value: Any, field: str, label: str, most: int) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid(f"{label} must be a list.", field)
    if len(value) > most:
        raise Invalid(f"{label} can have at most {most} entries.", field)
    return value


def patron_lines(value: Any, field: str = "patrons") -> list[PatronLine]:
    """The manifest: at least one patron."""
    entries = _list(value, field, "The patron list", MAX_PATRONS)
    if not entries:
        raise Invalid("Add at least one patron to the manifest.", field)
    lines = []
    for n, entry in enumerate(entries, start=1):
        try:
            lines.append(patron_line(entry, n))
        except Invalid as exc:
            raise in_row(exc, n, field) from None
    return lines


def shares(lines: list[PatronLine]) -> Decimal:
    """What the patrons' shares add up to (those without one count nothing)."""
    return sum((p.amount_due for p in lines if p.amount_due is not None), Decimal("0.00"))


def at_least_shares(amount: Decimal, lines: list[PatronLine]) -> Decimal:
    """A total, refused when below the patrons' shares."""
    known = shares(lines)
    if known > amount:
        raise Invalid(
            f"The patrons' shares add up to {known:.2f}, more than the total {amount:.2f}.",
            "total",
        )
    return amount


def role(value: Any, field: str = "role") -> str:
    """captain, mate or deckhand (a deckhand when not given)."""
    chosen = value.strip().lower() if isinstance(value, str) and value.strip() else "deckhand"
    if chosen not in TRIP_ROLES:
        raise Invalid("The role must be captain, mate or deckhand.", field)
    return chosen


def crew(value: Any, field: str = "crew") -> list[CrewMember]:
    """The crew: unique ids, one captain."""
    entries = _list(value, field, "The crew list", MAX_CREW)
    result: list[CrewMember] = []
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise Invalid(f"Crew member {n} must be an object with crew_id and role.", field)
        cid = validation.crew_id(entry.get("crew_id"), field)
        if cid in {c.crew_id for c in result}:
            raise Invalid(f"Crew id {cid} appears twice.", field)
        result.append(CrewMember(crew_id=cid, role=role(entry.get("role"), field)))
    captains = [c.crew_id for c in result if c.role == "captain"]
    if len(captains) > 1:
        raise Invalid(
            f"One captain per trip: {' and '.join(captains)} are both captains; make one a mate.",
            field,
        )
    return result


@dataclass(frozen=True)
class NewPatron:
    """A patron added from the card: typed (`line`), or from a signed waiver whose signer
    matches nobody (`waiver_id`; the line is then made from what they signed, with `patron_id`
    and `amount_due` if the body gives them)."""

    line: PatronLine | None
    waiver_id: str | None
    patron_id: str | None
    amount_due: Decimal | None


def new_patron(data: Mapping[str, Any]) -> NewPatron:
    waiver_id = data.get("waiver_id") or None
    if waiver_id is None:
        return NewPatron(patron_line(dict(data)), None, None, None)
    if not isinstance(waiver_id, str):
        raise Invalid("waiver_id must be a signed waiver's id.", "waiver_id")
    return NewPatron(None, waiver_id, _given_id(data, 1), _share(data.get("amount_due")))


@dataclass(frozen=True)
class PatronChange:
    """The fields of a patron an edit names, checked (name, email, phone, amount_due)."""

    fields: dict[str, Any]


def patron_change(data: Mapping[str, Any]) -> PatronChange:
    return PatronChange({k: CHECKS[k](data[k]) for k in PATRON_FIELDS if k in data})


@dataclass(frozen=True)
class Assignment:
    member: CrewMember
    confirm: bool


def assignment(crew_id: str, data: Mapping[str, Any], confirm: bool) -> Assignment:
    member = CrewMember(crew_id=validation.crew_id(crew_id), role=role(data.get("role")))
    return Assignment(member, confirm)
