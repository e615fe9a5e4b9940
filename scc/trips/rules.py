"""A trip's rules as plain functions: a new trip from what was typed, and what an edit may
change. No Flask here; the views pass the values in."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scc import clock, eventids, validation
from scc.errors import Invalid
from scc.models import Event

EDITABLE = {"title", "total", "patrons", "crew"}
LEDGER_FIELDS = {"paid_total", "payment_amount", "payments", "payment_cleared", "balance_due"}


def _title(name: str, period: str | None) -> str:
    words = eventids.slug(name).replace("-", " ").title()
    return f"{words} · {eventids.slug(period).title()}" if period else words


def event_from_input(data: dict[str, Any]) -> Event:
    """Validate a new trip: an explicit event_id, or date + name [+ period]."""
    if data.get("event_id") not in (None, ""):
        eid = eventids.check(data["event_id"])
        name, period = eid[11:], None
    else:
        day = validation.day(data.get("date"))
        name = validation.text(data.get("name"), "name", "The trip name", max_len=40)
        period = (
            validation.text(data.get("period"), "period", "The period", max_len=20, required=False)
            or None
        )
        eid = eventids.make(day, name, period)
    title = validation.text(data.get("title"), "title", "The title", required=False)
    patrons = validation.patrons(data.get("patrons"))
    return Event(
        event_id=eid,
        date=eid[:10],
        title=title or _title(name, period),
        total=validation.total(data.get("total"), patrons),
        patrons=patrons,
        crew=validation.crew(data.get("crew") or []),
        created_at=clock.iso(clock.now()),
    )


def apply_changes(event: Event, data: dict[str, Any]) -> Event:
    """Validate a PATCH: title, total, patrons, crew; what was paid is never rewritten."""
    ledger = LEDGER_FIELDS & data.keys()
    if ledger:
        field = sorted(ledger)[0]
        raise Invalid("Payments are recorded with Log Payment, not edited here.", field)
    unknown = data.keys() - EDITABLE
    if unknown:
        field = sorted(unknown)[0]
        raise Invalid(
            f"{field} can't be changed; you can change {', '.join(sorted(EDITABLE))}.", field
        )
    changed = event
    if "title" in data:
        changed = replace(changed, title=validation.text(data["title"], "title", "The title"))
    if "crew" in data:
        changed = replace(changed, crew=validation.crew(data["crew"]))
    if "patrons" in data:
        patrons = validation.patrons(data["patrons"])
        kept = {p.patron_id for p in patrons}
        for pid, paid in event.patron_paid.items():
            if pid not in kept and (paid > 0 or event.payments_of(pid)):
                raise Invalid(
                    f"Patron {pid} has payments on record and can't be removed.", "patrons"
                )
        for p in patrons:
            if p.amount_due is not None and p.amount_due < event.paid_by(p.patron_id):
                raise Invalid(
                    f"{p.name} has already paid {event.paid_by(p.patron_id):.2f}; "
                    "their share can't be less than that.",
                    "patrons",
                )
        changed = replace(changed, patrons=patrons)
    if "total" in data or "patrons" in data:
        total = validation.total(data.get("total", f"{changed.total:.2f}"), changed.patrons)
        if total < event.paid_total:
            raise Invalid(
                f"{event.paid_total:.2f} has already been paid; the total can't be less than that.",
                "total",
            )
        changed = replace(changed, total=total)
    return changed
