"""The dispatch shell, health, and the trips API behind the board."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request

from scc import __version__
from scc.auth.guard import login_required
from scc.errors import Invalid
from scc.store import WHEN, get_store
from scc.trips.rules import apply_changes, event_from_input
from scc.web import today
from scc.web.address import origin_verified
from scc.web.cards import event_id_from_url, event_json, render_card
from scc.web.forms import payload
from scc.web.htmx import is_htmx

bp = Blueprint("trips", __name__, template_folder="templates")


@bp.get("/")
def shell() -> str:
    """The dispatch shell; the board inside it loads with htmx."""
    return render_template("trips/shell.html")


@bp.get("/api/health")
def health() -> Any:
    """For the deploy's smoke test; with an origin secret set, whether CloudFront's header came."""
    answer: dict[str, Any] = {"status": "ok", "version": __version__}
    if current_app.config["ORIGIN_SECRETS"]:
        answer["origin_verified"] = origin_verified()
    return jsonify(answer)


@bp.get("/api/events")
@login_required
def list_events() -> Any:
    """The board: upcoming trips first by default; today, past or all on request."""
    when = request.args.get("when", "upcoming")
    if when not in WHEN:
        raise Invalid("Choose upcoming, today, past or all.", "when")
    events = get_store().board(when, today().isoformat())
    if is_htmx():
        return render_template("trips/_board.html", events=events, when=when, whens=WHEN)
    return jsonify({"when": when, "events": [event_json(event) for event in events]})


@bp.post("/api/events")
@login_required
def create_event() -> Any:
    """Create a trip from date + name [+ period] (or an explicit id) and its manifest."""
    event = get_store().create_event(event_from_input(payload()))
    return render_card(event, 201)


@bp.get("/api/events/<eid>")
@login_required
def get_event(eid: str) -> Any:
    return render_card(get_store().get_event(event_id_from_url(eid)))


@bp.patch("/api/events/<eid>")
@login_required
def patch_event(eid: str) -> Any:
    store = get_store()
    event = store.get_event(event_id_from_url(eid))
    return render_card(store.replace_event(event, apply_changes(event, payload())))
