"""What the New trip and Edit dialogs are drawn with: what was typed (or the trip), its rows,
the roster to pick crew from, and the id a new trip will get (with a free one when it is
taken)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from scc.errors import Invalid
from scc.models import TRIP_ROLES, Event
from scc.store import boats, roster, trips
from scc.store.gateway import Store
from scc.trips.forms import PERIODS, TripId, trip_id


def _rows(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    rows = data.get(key)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _dialog(store: Store, patrons: list[Any], crew: list[Any], **drawn: Any) -> dict[str, Any]:
    """What both dialogs are drawn with: the rows (one empty patron row at least), the active
    roster and fleet to pick from, the roles and periods; and `drawn`: the mode's own."""
    return {
        "roster": [m for m in roster.members(store) if m.active],
        "roles": TRIP_ROLES,
        "periods": PERIODS,
        "fleet": [b for b in boats.fleet(store) if b.active],
        "patron_rows": patrons or [{}],
        "crew_rows": crew,
        **drawn,
    }


def new_context(
    store: Store, data: Mapping[str, Any], shown: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What the New trip dialog is drawn with: what was typed, its rows, and the id it will
    create (`shown`: that preview, when the caller has it already)."""
    shown = shown or preview(store, data)
    patrons, crew = _rows(data, "patrons"), _rows(data, "crew")
    return _dialog(
        store, patrons, crew, mode="new", values=data, preview=shown, locked={}, event=None
    )


def drawn_from(event: Event) -> dict[str, Any]:
    """The trip's editable fields as the Edit form shows them (the form carries this copy back,
    so that a save refused as stale can tell what the editor changed from what others did)."""
    return {
        "title": event.title,
        "total": f"{event.total:.2f}",
        "reminders_off": event.reminders_off,
        "boat": event.boat or "",
        "patrons": [
            {
                "patron_id": p.patron_id,
                "name": p.name,
                "email": p.email or "",
                "phone": p.phone or "",
                "amount_due": "" if p.amount_due is None else f"{p.amount_due:.2f}",
                "party": str(p.party),
            }
            for p in event.patrons
        ],
        "crew": [asdict(c) for c in event.crew],
    }


def edit_context(
    store: Store,
    event: Event,
    data: Mapping[str, Any] | None = None,
    drawn: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What the Edit dialog is drawn with: the trip (or what was typed over it). `drawn`: what
    the form says of the copy it was drawn from (its rev, activity count and fields), kept
    through a refusal so that the next save is still checked against that copy."""
    copy = drawn_from(event)
    values = {
        **{k: v for k, v in copy.items() if k not in ("patrons", "crew")},
        "rev": event.rev,
        "seen": activity_count(event),
        "drawn": copy,
    }
    patrons, crew = copy["patrons"], copy["crew"]
    if data is not None:
        kept = ("title", "total", "confirm", "reminders_off", "boat")
        values |= {k: v for k, v in data.items() if k in kept}
        patrons = _rows(data, "patrons") if "patrons" in data else patrons
        crew = _rows(data, "crew") if "crew" in data else crew
    values |= {k: v for k, v in (drawn or {}).items() if v is not None}
    locked = {}
    for p in event.patrons:
        if event.paid_by(p.patron_id) > 0:
            locked[p.patron_id] = "has paid: void or refund first"
        elif event.waiver_signed(p.patron_id):
            locked[p.patron_id] = "has signed the waiver"
    return _dialog(store, patrons, crew, mode="edit", values=values, locked=locked, event=event)


def activity_count(event: Event) -> int:
    """Every activity entry the trip has had: those kept and those folded (a trim moves entries
    from one to the other, so the count only grows)."""
    return event.activity_folded + len(event.activity)


def taken(store: Store, made: TripId) -> dict[str, Any]:
    """The preview of an id that is taken: which, and a free one beside it (the name numbered
    -2 … -9, same date and period: one BatchGetItem of their keys)."""
    candidates = [made.numbered(k).event_id for k in range(2, 10)]
    used = trips.taken(store, candidates)
    free = next((c for c in candidates if c not in used), None)
    tail = f"; {free} is free" if free else "; choose another name or period"
    eid = made.event_id
    return {"eid": eid, "message": f"A trip {eid} already exists{tail}.", "taken": True}


def preview(store: Store, args: Mapping[str, Any]) -> dict[str, Any]:
    """The id the New trip form will create, or what stops it; and whether it is free."""
    if not args.get("date") or not args.get("name"):
        return {"eid": None, "message": "Fill in the date and name to see the trip's id."}
    try:
        made = trip_id({k: args.get(k) for k in ("date", "name", "period")})
    except Invalid as exc:
        return {"eid": None, "message": exc.message}
    if not trips.exists(store, made.event_id):
        return {"eid": made.event_id, "message": None}
    return taken(store, made)
