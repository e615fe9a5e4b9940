"""The Boats dialog and its JSON: every signed-in member sees the fleet; owners add boats and
change them (a capacity below an upcoming trip's headcount is refused, naming the trip)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, make_response, render_template

from scc import validation
from scc.auth.guard import is_owner, login_required, owner_required
from scc.boats import forms
from scc.errors import Invalid, NotFound
from scc.store import board as by_date
from scc.store import boats, get_store
from scc.web import today
from scc.web.forms import payload
from scc.web.htmx import is_htmx, trigger
from scc.web.shapes import record_json

bp = Blueprint("boats", __name__, template_folder="templates")


def _panel(note: str = "", status: int = 200) -> Response:
    """The fleet panel inside the Boats dialog (every action answers with it)."""
    fleet = boats.fleet(get_store())
    body = render_template("boats/_panel.html", fleet=fleet, note=note, owner=is_owner())
    return make_response(body, status)


@bp.get("/api/boats")
@login_required
def list_boats() -> Any:
    """The fleet: the Boats dialog (HX) or JSON."""
    fleet = boats.fleet(get_store())
    if is_htmx():
        return render_template("boats/_boats.html", fleet=fleet, owner=is_owner())
    return jsonify({"boats": [record_json(b) for b in fleet]})


@bp.post("/api/boats")
@owner_required
def add() -> Any:
    """Add a boat: 201; 409 when its id is taken."""
    g.error_target = "#boats-error"
    boat = forms.new_boat(payload())
    boats.add(get_store(), boat)
    if is_htmx():
        return trigger(_panel(status=201), "scc:toast", f"Added the {boat.name}.")
    return jsonify(record_json(boat)), 201


@bp.patch("/api/boats/<boat_id>")
@owner_required
def change(boat_id: str) -> Any:
    """Change a boat's name, capacity, notes or standing. A lower capacity holds only while
    every upcoming trip on the boat still fits (checked in the write: scc.store.boats.change)."""
    g.error_target = "#boats-error"
    try:
        wanted = validation.boat_id(boat_id)
    except Invalid:
        raise NotFound(f"There is no boat {boat_id}.") from None
    store = get_store()
    was = boats.find(store, wanted)
    if was is None:
        raise NotFound(f"There is no boat {boat_id}.")
    now = forms.boat_change(payload()).applied(was)
    upcoming = []
    if now.capacity < was.capacity:
        upcoming = by_date.on_boat(store, wanted, today().isoformat())
    boats.change(store, now, upcoming)
    if is_htmx():
        return _panel(note=f"The {now.name}: {now.capacity} passengers.")
    return jsonify(record_json(now))
