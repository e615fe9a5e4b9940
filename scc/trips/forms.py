"""The New trip and Edit dialogs' forms: their rows read into the JSON body's shape, what the
dialogs are drawn with, and the id a new trip will get (with a free one when it is taken)."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import zip_longest
from typing import Any

from flask import request

from scc import eventids, validation
from scc.errors import Invalid
from scc.models import TRIP_ROLES, Event
from scc.store import KEY_ATTRIBUTES, Store, get_store, roster
from scc.store.items import EVENT_SK, event_key
from scc.trips import rules
from scc.web.forms import payload

FIELDS = ("event_id", "date", "name", "period", "title", "total", "rev", "confirm", "board")
PATRON_COLUMNS = ("patron_id", "name", "email", "phone", "amount_due")


def trip_payload() -> dict[str, Any]:
    """The body as JSON has it: the form's repeated patron and crew rows become the lists
    `patrons` and `crew` (blank rows left out)."""
    if request.is_json:
        return payload()
    form = request.form
    data: dict[str, Any] = {k: form[k] for k in FIELDS if k in form}
    if "patron_rows" in form:
        columns = [form.getlist(c if c == "patron_id" else f"patron_{c}") for c in PATRON_COLUMNS]
        rows = [
            dict(zip(PATRON_COLUMNS, r, strict=True)) for r in zip_longest(*columns, fillvalue="")
        ]
        data["patrons"] = [r for r in rows if any(r[c].strip() for c in PATRON_COLUMNS[1:])]
    elif "patrons" in form:
        data["patrons"] = form["patrons"]  # not a list: validation says so
    if "crew_rows" in form:
        pairs = zip_longest(form.getlist("crew_id"), form.getlist("crew_role"), fillvalue="")
        data["crew"] = [{"crew_id": c, "role": r} for c, r in pairs if c.strip()]
    elif "crew" in form:
        data["crew"] = form["crew"]
    return data


def _rows(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    rows = data.get(key)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _common() -> dict[str, Any]:
    members = roster.members(get_store())
    return {
        "roster": [m for m in members if m.active],
        "roles": TRIP_ROLES,
        "periods": rules.PERIODS,
    }


def new_context(data: Mapping[str, Any], shown: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What the New trip dialog is drawn with: what was typed, its rows, and the id it will
    create (`shown`: that preview, when the caller has it already)."""
    patrons = _rows(data, "patrons") or [{}]
    return {
        **_common(),
        "preview": shown or preview(get_store(), data),
        "mode": "new",
        "values": data,
        "patron_rows": patrons,
        "crew_rows": _rows(data, "crew"),
        "locked": {},
        "event": None,
    }


def edit_context(event: Event, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What the Edit dialog is drawn with: the trip (or what was typed over it)."""
    patrons = [
        {
            "patron_id": p.patron_id,
            "name": p.name,
            "email": p.email or "",
            "phone": p.phone or "",
            "amount_due": "" if p.amount_due is None else f"{p.amount_due:.2f}",
        }
        for p in event.patrons
    ]
    crew = [{"crew_id": c.crew_id, "role": c.role} for c in event.crew]
    values = {"title": event.title, "total": f"{event.total:.2f}", "rev": event.rev}
    if data is not None:
        values |= {k: v for k, v in data.items() if k in ("title", "total", "confirm")}
        patrons = _rows(data, "patrons") if "patrons" in data else patrons
        crew = _rows(data, "crew") if "crew" in data else crew
    locked = {}
    for p in event.patrons:
        if event.paid_by(p.patron_id) > 0:
            locked[p.patron_id] = "has paid: void or refund first"
        elif event.waiver_signed(p.patron_id):
            locked[p.patron_id] = "has signed the waiver"
    return {
        **_common(),
        "mode": "edit",
        "values": values,
        "patron_rows": patrons or [{}],
        "crew_rows": crew,
        "locked": locked,
        "event": event,
    }


def free_id(store: Store, eid: str, data: Mapping[str, Any]) -> str | None:
    """A free id next to a taken one: the name numbered -2 … -9, same date and period (one
    BatchGetItem)."""
    try:
        day = validation.day(data.get("date"))
        name = eventids.slug(str(data.get("name") or eid[11:]))
        period = rules.period(data.get("period")) if data.get("name") else None
        candidates = [eventids.make(day, f"{name}-{k}", period) for k in range(2, 10)]
    except Invalid:
        return None
    taken = store.get_many((event_key(c) for c in candidates), attributes=KEY_ATTRIBUTES)
    return next((c for c in candidates if (c, EVENT_SK) not in taken), None)


def taken(store: Store, data: Mapping[str, Any]) -> dict[str, Any]:
    """The preview of an id that is taken: which, and a free one beside it."""
    eid, _, _ = rules.new_id(dict(data))
    free = free_id(store, eid, data)
    tail = f"; {free} is free" if free else "; choose another name or period"
    return {"eid": eid, "message": f"A trip {eid} already exists{tail}.", "taken": True}


def preview(store: Store, args: Mapping[str, Any]) -> dict[str, Any]:
    """The id the New trip form will create, or what stops it; and whether it is free."""
    if not args.get("date") or not args.get("name"):
        return {"eid": None, "message": "Fill in the date and name to see the trip's id."}
    try:
        eid, _, _ = rules.new_id({k: args.get(k) for k in ("date", "name", "period")})
    except Invalid as exc:
        return {"eid": None, "message": exc.message}
    if store.get(event_key(eid), attributes=KEY_ATTRIBUTES) is None:  # the key alone: cheap
        return {"eid": eid, "message": None}
    return taken(store, args)
