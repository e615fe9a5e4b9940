"""A trip's rules as plain functions: a new trip from what was typed, what an edit may change,
and who may be taken off the manifest. No Flask and no store here; the views pass values in."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from scc import clock, eventids, validation
from scc.errors import Conflict, Invalid
from scc.models import Event, Patron
from scc.money import fmt, parse_amount

EDITABLE = {"title", "total", "patrons", "crew", "rev", "confirm"}
LEDGER_FIELDS = {"paid_total", "payment_amount", "payments", "payment_cleared", "balance_due"}
PERIODS = ("morning", "afternoon", "sunset")


def _title(name: str, period: str | None) -> str:
    words = eventids.slug(name).replace("-", " ").title()
    return f"{words} · {eventids.slug(period).title()}" if period else words


def period(value: Any) -> str | None:
    """A period of the day (morning, afternoon, sunset, or another word), or None."""
    text = validation.text(value, "period", "The period", max_len=20, required=False)
    if not text or text.lower() == "none":
        return None
    slug = eventids.slug(text)
    if not slug:
        raise Invalid("The period needs letters or digits, e.g. afternoon.", "period")
    return slug


def new_id(data: dict[str, Any]) -> tuple[str, str, str | None]:
    """The id a new trip gets (an explicit event_id, or date + name [+ period]), its name part
    and its period. Each field's problem is reported at once (FieldErrors)."""
    if data.get("event_id") not in (None, ""):
        eid = eventids.check(data["event_id"])
        rest, _, last = eid[11:].rpartition("-")
        return (eid, rest, last) if rest and last in PERIODS else (eid, eid[11:], None)
    errors = validation.FieldErrors()
    day = errors.take("date", lambda: validation.day(data.get("date")))
    name = errors.take(
        "name", lambda: validation.text(data.get("name"), "name", "The trip name", max_len=40)
    )
    when = errors.take("period", lambda: period(data.get("period")))
    errors.raise_if_any()
    assert day is not None and name is not None  # noqa: S101 - FieldErrors raised otherwise
    return eventids.make(day, name, when), name, when


def event_from_input(data: dict[str, Any], by: str) -> Event:
    """Validate a new trip: an explicit event_id, or date + name [+ period]; its manifest, crew
    and total, every field's problem at once."""
    errors = validation.FieldErrors()
    made = errors.take("date", lambda: new_id(data))
    title = errors.take(
        "title", lambda: validation.text(data.get("title"), "title", "The title", required=False)
    )
    patrons = errors.take("patrons", lambda: validation.patrons(data.get("patrons")))
    crew = errors.take("crew", lambda: validation.crew(data.get("crew") or []))
    total = errors.take("total", lambda: validation.total(data.get("total"), patrons or []))
    errors.raise_if_any()
    assert made and patrons is not None and crew is not None and total is not None  # noqa: S101
    eid, name, when = made
    return Event(
        event_id=eid,
        date=eid[:10],
        title=title or _title(name, when),
        total=total,
        patrons=patrons,
        crew=crew,
        period=when,
        created_at=clock.iso(clock.now()),
        created_by=by,
    )


def rev_seen(data: dict[str, Any]) -> int | None:
    """The trip's version the editor read (`rev`), or None when they did not say."""
    seen = data.get("rev")
    if seen in (None, ""):
        return None
    if isinstance(seen, bool) or not isinstance(seen, int | str):
        raise Invalid("rev must be the trip's version number, as read.", "rev")
    text = str(seen).strip()
    if not text.isdigit() or len(text) > 12 or not text.isascii():
        raise Invalid("rev must be the trip's version number, as read.", "rev")
    return int(text)


def removable(event: Event, patron: Patron) -> None:
    """A patron with money paid (after voids and refunds) or a signed waiver stays: Conflict,
    saying what to do first."""
    paid = event.paid_by(patron.patron_id)
    if paid > 0:
        raise Conflict(
            f"{patron.name} has payments on record (${fmt(paid)} paid) and can't be removed: "
            f"void or refund them first, or keep {patron.name} on the manifest.",
            "patrons",
        )
    if event.waiver_signed(patron.patron_id):
        raise Conflict(
            f"{patron.name} has signed the waiver and can't be removed; keep them on the "
            "manifest (mark them a no-show if they don't come).",
            "patrons",
        )


def share_ok(event: Event, patron: Patron) -> None:
    """A patron's share can't be set below what they have paid."""
    paid = event.paid_by(patron.patron_id)
    if patron.amount_due is not None and patron.amount_due < paid:
        raise Invalid(
            f"{patron.name} has already paid {fmt(paid)}; their share can't be less than that.",
            "amount_due",
        )


def with_total(event: Event, total: Any = None) -> Event:
    """The trip with its total (given, or grown to the patrons' shares), never below what has
    been paid."""
    if total is None:
        shares = sum((p.amount_due or Decimal(0) for p in event.patrons), Decimal("0.00"))
        return replace(event, total=max(event.total, shares))
    amount = validation.total(total, event.patrons)
    if amount < event.paid_total:
        raise Invalid(
            f"{fmt(event.paid_total)} has already been paid; the total can't be less than that.",
            "total",
        )
    return replace(event, total=amount)


def apply_changes(event: Event, data: dict[str, Any]) -> Event:
    """Validate a PATCH: title, total, patrons, crew; what was paid is never rewritten."""
    ledger = LEDGER_FIELDS & data.keys()
    if ledger:
        field = sorted(ledger)[0]
        raise Invalid("Payments are recorded with Log Payment, not edited here.", field)
    unknown = data.keys() - EDITABLE
    if unknown:
        field = sorted(unknown)[0]
        allowed = ", ".join(sorted(EDITABLE - {"rev", "confirm"}))
        raise Invalid(f"{field} can't be changed; you can change {allowed}.", field)
    changed = event
    if "title" in data:
        changed = replace(changed, title=validation.text(data["title"], "title", "The title"))
    if "crew" in data:
        changed = replace(changed, crew=validation.crew(data["crew"]))
    if "patrons" in data:
        patrons = validation.patrons(data["patrons"], kept=event.ledger_only_ids)
        kept = {p.patron_id for p in patrons}
        for gone in event.patrons:
            if gone.patron_id not in kept:
                try:
                    removable(event, gone)
                except Conflict as exc:
                    raise Invalid(exc.message, "patrons") from None
        for p in patrons:
            try:
                share_ok(event, p)
            except Invalid as exc:
                raise Invalid(exc.message, "patrons") from None
        changed = replace(changed, patrons=patrons)
    if "total" in data or "patrons" in data:
        total = data.get("total")
        if total in (None, "") or _same(total, event.total):
            total = None  # not changed by the editor: it grows to the patrons' shares
        changed = with_total(changed, total)
    return changed


def _same(value: Any, amount: Decimal) -> bool:
    """Whether a typed total is the one the trip has (the Edit dialog sends it back as read)."""
    try:
        return parse_amount(value, field="total", allow_zero=True) == amount
    except Invalid:
        return False


def moved_id(event: Event, data: dict[str, Any]) -> tuple[str, date, str | None]:
    """Where a reschedule takes the trip: the id the convention gives for the new date (and
    period: kept unless one is given)."""
    errors = validation.FieldErrors()
    day = errors.take("date", lambda: validation.day(data.get("date")))
    when = errors.take("period", lambda: period(data.get("period"))) if "period" in data else None
    errors.raise_if_any()
    assert day is not None  # noqa: S101 - FieldErrors raised otherwise
    rest = event.event_id[11:]
    if event.period and rest.endswith("-" + event.period):
        rest = rest[: -len(event.period) - 1]
    chosen = when if "period" in data else event.period
    eid = eventids.make(day, rest, chosen)
    if eid == event.event_id:
        raise Invalid("That is the date (and period) the trip already has.", "date")
    return eid, day, chosen
